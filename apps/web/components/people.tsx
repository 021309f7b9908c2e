'use client';
// People in the player (issue 17): avatars, a person's row, and the follow / unfollow / block buttons
// the profile page, search and the friends sidebar share.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useApiUrl } from '../lib/api-url';
import { describeError } from '../lib/errors';
import { useTRPC } from '../lib/trpc';

export type Person = { id: string; handle: string; displayName: string; avatarUrl: string | null };

/**
 * The resized avatar at a given display size: `avatarUrl` is a path on the API server's /covers/
 * route (…/300.webp); the smallest size the cover job wrote that covers the pixels at 2x is chosen.
 */
export function avatarSrc(apiUrl: string, avatarUrl: string, px: number): string {
  const size = px * 2 <= 64 ? 64 : px * 2 <= 300 ? 300 : 640;
  const path = avatarUrl.replace(/\/(64|300|640)\.(webp|avif|jpg)$/, `/${size}.$2`);
  return /^https?:/.test(path) ? path : `${apiUrl.replace(/\/$/, '')}${path}`;
}

/** A person's avatar; the generated placeholder (their initial) only when none was uploaded. */
export function Avatar({
  person,
  size = 32,
}: {
  person: { displayName: string; avatarUrl?: string | null };
  size?: number;
}) {
  const api = useApiUrl();
  const style = { width: size, height: size, fontSize: size / 2.2 };
  return person.avatarUrl ? (
    <img
      className="avatar"
      data-avatar="image"
      src={avatarSrc(api, person.avatarUrl, size)}
      alt=""
      width={size}
      height={size}
      style={{ ...style, objectFit: 'cover' }}
    />
  ) : (
    <span className="avatar" data-avatar="initials" aria-hidden="true" style={style}>
      {person.displayName.slice(0, 1).toUpperCase()}
    </span>
  );
}

/** Invalidates everything a follow-graph change can alter (profiles, feed, search, suggestions). */
export function useRefreshPeople() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries(trpc.people.pathFilter()),
      qc.invalidateQueries(trpc.social.feed.pathFilter()),
    ]);
}

/** Follow / Requested / Unfollow for one person; `relation` comes from people.profile when known. */
export function FollowButton({
  person,
  relation,
}: {
  person: Person;
  relation?: { following: boolean; requested: boolean };
}) {
  const trpc = useTRPC();
  const refresh = useRefreshPeople();
  const opts = { onSuccess: refresh, onError: (e: unknown) => alert(describeError(e)) };
  const follow = useMutation(trpc.user.follow.mutationOptions(opts));
  const unfollow = useMutation(trpc.user.unfollow.mutationOptions(opts));
  const cancel = useMutation(trpc.people.cancelRequest.mutationOptions(opts));
  const busy = follow.isPending || unfollow.isPending || cancel.isPending;
  const who = person.displayName;
  if (relation?.following)
    return (
      <button
        type="button"
        className="btn"
        disabled={busy}
        aria-label={`Unfollow ${who}`}
        onClick={() => unfollow.mutate({ userId: person.id })}
      >
        Unfollow
      </button>
    );
  if (relation?.requested)
    return (
      <button
        type="button"
        className="btn"
        disabled={busy}
        aria-label={`Cancel follow request to ${who}`}
        onClick={() => cancel.mutate({ userId: person.id })}
      >
        Requested
      </button>
    );
  return (
    <button
      type="button"
      className="btn btn-primary"
      disabled={busy}
      aria-label={`Follow ${who}`}
      onClick={() => follow.mutate({ userId: person.id })}
    >
      Follow
    </button>
  );
}

export function BlockButton({ person, blocked }: { person: Person; blocked: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefreshPeople();
  const opts = { onSuccess: refresh, onError: (e: unknown) => alert(describeError(e)) };
  const block = useMutation(trpc.user.block.mutationOptions(opts));
  const unblock = useMutation(trpc.user.unblock.mutationOptions(opts));
  const who = person.displayName;
  return blocked ? (
    <button
      type="button"
      className="btn"
      aria-label={`Unblock ${who}`}
      onClick={() => unblock.mutate({ userId: person.id })}
    >
      Unblock
    </button>
  ) : (
    <button
      type="button"
      className="btn btn-danger"
      aria-label={`Block ${who}`}
      onClick={() => {
        if (
          confirm(
            `Block ${who}? They will no longer see your profile or your listening, and follows between you end.`,
          )
        )
          block.mutate({ userId: person.id });
      }}
    >
      Block
    </button>
  );
}

export function PersonRow({ person, children }: { person: Person; children?: React.ReactNode }) {
  return (
    <li className="person">
      <Avatar person={person} />
      <Link href={`/user/${person.handle}`} className="person-name">
        <strong>{person.displayName}</strong> <span className="muted">@{person.handle}</span>
      </Link>
      {children}
    </li>
  );
}

/** The "People" group of search results: handle and display name, typo-tolerant. */
export function PeopleResults({ q }: { q: string }) {
  const trpc = useTRPC();
  const people = useQuery({ ...trpc.people.search.queryOptions({ q, limit: 8 }), enabled: q.length > 0 });
  if (!people.data || people.data.length === 0) return null;
  return (
    <section className="section" aria-labelledby="people-heading">
      <div className="section-head">
        <h2 id="people-heading">People</h2>
      </div>
      <ul className="people" data-testid="search-people">
        {people.data.map((p) => (
          <PersonRow key={p.id} person={p} />
        ))}
      </ul>
    </section>
  );
}

/** People you may know: follows of your follows and people who play what you play. */
export function Suggestions() {
  const trpc = useTRPC();
  const s = useQuery(trpc.people.suggestions.queryOptions({ limit: 5 }));
  if (!s.data || s.data.length === 0) return null;
  return (
    <section className="section" aria-labelledby="pymk-heading">
      <h2 id="pymk-heading">People you may know</h2>
      <ul className="people">
        {s.data.map((p) => (
          <PersonRow key={p.id} person={p}>
            <span className="muted small">{p.reason}</span>
            <FollowButton person={p} />
          </PersonRow>
        ))}
      </ul>
    </section>
  );
}
