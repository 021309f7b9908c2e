'use client';
// What the people you follow are playing, live: social.feed for the initial state, presence pushed
// over socket.io for every change (lib/realtime). A song heard live that the feed did not name yet
// is looked up (song.byId, cached).
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { describeError } from '../lib/errors';
import { useFriendsActivity } from '../lib/hooks/use-feed';
import { useTRPC } from '../lib/trpc';
import type { FriendActivity } from '../lib/types';
import { Avatar, Suggestions, useRefreshPeople } from './people';

function useTrackOf(f: FriendActivity): FriendActivity['track'] {
  const trpc = useTRPC();
  const lookup = useQuery({
    ...trpc.song.byId.queryOptions({ id: f.songId ?? '' }),
    enabled: f.track === null && f.songId !== null,
    staleTime: 10 * 60_000,
  });
  if (f.track) return f.track;
  return lookup.data
    ? { id: lookup.data.id, title: lookup.data.title, artistName: lookup.data.artistName }
    : null;
}

function FriendRow({ f }: { f: FriendActivity }) {
  const track = useTrackOf(f);
  const verb = f.state === 'streaming' ? (f.isPaused ? 'Paused' : 'Playing') : 'Played';
  return (
    <li className="friend" data-state={f.state === 'streaming' && f.isPaused ? 'paused' : f.state}>
      <Avatar person={f.user} size={36} />
      <span style={{ minWidth: 0 }}>
        <Link href={`/user/${f.user.handle}`} className="friend-name">
          <strong>{f.user.displayName}</strong>
        </Link>
        <br />
        {track ? (
          <Link href={`/song/${track.id}`} className="muted">
            {verb} {track.title} · {track.artistName}
          </Link>
        ) : (
          <span className="muted">
            {f.state === 'streaming' ? 'Listening' : f.state === 'online' ? 'Online' : 'Offline'}
          </span>
        )}
        <FriendActions f={f} />
      </span>
    </li>
  );
}

/** Unfollow and block right from the sidebar (the profile has the same buttons). */
function FriendActions({ f }: { f: FriendActivity }) {
  const trpc = useTRPC();
  const refresh = useRefreshPeople();
  const opts = { onSuccess: refresh, onError: (e: unknown) => alert(describeError(e)) };
  const unfollow = useMutation(trpc.user.unfollow.mutationOptions(opts));
  const block = useMutation(trpc.user.block.mutationOptions(opts));
  const who = f.user.displayName;
  return (
    <span className="friend-actions">
      <button
        type="button"
        className="btn"
        aria-label={`Unfollow ${who}`}
        onClick={() => unfollow.mutate({ userId: f.user.id })}
      >
        Unfollow
      </button>
      <button
        type="button"
        className="btn"
        aria-label={`Block ${who}`}
        onClick={() => {
          if (confirm(`Block ${who}?`)) block.mutate({ userId: f.user.id });
        }}
      >
        Block
      </button>
    </span>
  );
}

export function FriendsSidebar() {
  const feed = useFriendsActivity(true);
  if (!feed.data) return null;
  return (
    <aside className="friends" aria-labelledby="friends-heading">
      <h2 id="friends-heading">Friends’ activity</h2>
      {feed.data.length === 0 ? (
        <p className="muted">Follow people to see what they are playing.</p>
      ) : (
        <ul data-testid="friends-activity" aria-live="polite">
          {feed.data.map((f) => (
            <FriendRow key={f.user.id} f={f} />
          ))}
        </ul>
      )}
      <Suggestions />
    </aside>
  );
}

/** True when the sidebar has something to show, so the shell can make room for it. */
export function useHasFriendsSidebar(isSignedIn: boolean): boolean {
  const feed = useFriendsActivity(isSignedIn);
  return isSignedIn && feed.data !== undefined;
}
