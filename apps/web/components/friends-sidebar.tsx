'use client';
// What the people you follow are playing, live (social.feed + socket.io events, issue 5).
import Link from 'next/link';
import { useFriendsActivity } from '../lib/hooks/use-feed';

export function FriendsSidebar() {
  const feed = useFriendsActivity(true);
  if (feed.isUnavailable || !feed.data) return null;
  return (
    <aside className="friends" aria-labelledby="friends-heading">
      <h2 id="friends-heading">Friends’ activity</h2>
      {feed.data.length === 0 ? (
        <p className="muted">Follow people to see what they are playing.</p>
      ) : (
        <ul data-testid="friends-activity">
          {feed.data.map((f) => (
            <li key={f.user.id} className="friend">
              <span className="avatar" aria-hidden="true">
                {f.user.displayName.slice(0, 1).toUpperCase()}
              </span>
              <span style={{ minWidth: 0 }}>
                <strong>{f.user.displayName}</strong>
                <br />
                {f.track ? (
                  <Link href={`/song/${f.track.id}`} className="muted">
                    {f.state === 'streaming' ? 'Playing ' : 'Played '}
                    {f.track.title} · {f.track.artistName}
                  </Link>
                ) : (
                  <span className="muted">{f.state === 'online' ? 'Online' : 'Offline'}</span>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

/** True when the sidebar has something to show, so the shell can make room for it. */
export function useHasFriendsSidebar(isSignedIn: boolean): boolean {
  const feed = useFriendsActivity(isSignedIn);
  return isSignedIn && !feed.isUnavailable && feed.data !== undefined;
}
