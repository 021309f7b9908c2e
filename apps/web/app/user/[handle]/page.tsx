'use client';
// A person's profile (issue 17): name, avatar, counts, follow / unfollow / block, recent listening
// (when their visibility lets you see it), public playlists, followers and following.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { use, useState } from 'react';
import { Avatar, BlockButton, FollowButton, PersonRow } from '../../../components/people';
import { describeError } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { usePageTitle } from '../../../lib/use-page-title';

const VISIBILITY_NOTE = {
  everyone: 'Shares listening with everyone',
  approved: 'Approves followers',
  nobody: 'Listening is private',
} as const;

function PeopleList({ handle, direction }: { handle: string; direction: 'followers' | 'following' }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.people[direction].queryOptions({ handle, limit: 100 }));
  if (!q.data) return <p className="muted">Loading {direction}…</p>;
  if (q.data.length === 0) return <p className="muted">Nobody yet.</p>;
  return (
    <ul className="people" data-testid={`profile-${direction}`}>
      {q.data.map((p) => (
        <PersonRow key={p.id} person={p} />
      ))}
    </ul>
  );
}

export default function UserPage({ params }: { params: Promise<{ handle: string }> }) {
  const { handle } = use(params);
  const trpc = useTRPC();
  const profile = useQuery({ ...trpc.people.profile.queryOptions({ handle }), retry: false });
  const [list, setList] = useState<'followers' | 'following' | null>(null);
  usePageTitle(profile.data?.displayName ?? 'Profile');
  if (profile.error) {
    return (
      <div className="page-header">
        <div>
          <h1>Profile not found</h1>
          <p className="meta">
            {describeError(profile.error)} <Link href="/search">Search for people</Link>
          </p>
        </div>
      </div>
    );
  }
  const p = profile.data;
  if (!p) return <p className="muted">Loading this profile…</p>;
  return (
    <>
      <div className="page-header profile-head">
        <Avatar person={p} size={120} />
        <div>
          <p className="eyebrow">Profile</p>
          <h1>{p.displayName}</h1>
          <p className="meta">
            @{p.handle} · {VISIBILITY_NOTE[p.listeningVisibility]}
            {p.relation.followsYou ? ' · Follows you' : ''}
          </p>
          <div className="counts">
            <button
              type="button"
              className="btn"
              onClick={() => setList(list === 'followers' ? null : 'followers')}
            >
              <strong data-testid="follower-count">{p.followerCount}</strong>&nbsp;followers
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => setList(list === 'following' ? null : 'following')}
            >
              <strong data-testid="following-count">{p.followingCount}</strong>&nbsp;following
            </button>
          </div>
          {p.relation.isSelf ? (
            <p className="profile-actions">
              <Link href="/settings" className="btn">
                Edit profile and privacy
              </Link>
            </p>
          ) : (
            <p className="profile-actions">
              {!p.relation.blockedByYou && <FollowButton person={p} relation={p.relation} />}
              <BlockButton person={p} blocked={p.relation.blockedByYou} />
            </p>
          )}
        </div>
      </div>
      {list && (
        <section className="section" aria-label={list === 'followers' ? 'Followers' : 'Following'}>
          <h2>{list === 'followers' ? 'Followers' : 'Following'}</h2>
          <PeopleList handle={p.handle} direction={list} />
        </section>
      )}
      <section className="section" aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recently played</h2>
        {!p.canSeeActivity ? (
          <p className="muted" data-testid="activity-hidden">
            {p.listeningVisibility === 'nobody'
              ? `${p.displayName} keeps their listening private.`
              : p.listeningVisibility === 'approved'
                ? `Follow ${p.displayName} (they approve requests) to see what they play.`
                : 'Sign in to see what they play.'}
          </p>
        ) : p.recent.length === 0 ? (
          <p className="muted">Nothing played lately.</p>
        ) : (
          <ul className="people" data-testid="profile-recent">
            {p.recent.map((r) => (
              <li key={`${r.song.id}-${r.startedAt}`}>
                <Link href={`/song/${r.song.id}`}>{r.song.title}</Link>{' '}
                <span className="muted">· {r.song.artistName}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="section" aria-labelledby="playlists-heading">
        <h2 id="playlists-heading">Public playlists</h2>
        {p.playlists.length === 0 ? (
          <p className="muted">No public playlists.</p>
        ) : (
          <ul className="people" data-testid="profile-playlists">
            {p.playlists.map((pl) => (
              <li key={pl.id}>
                <Link href={`/playlists/${pl.id}`}>{pl.name}</Link>{' '}
                <span className="muted">· {pl.entryCount} songs</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
