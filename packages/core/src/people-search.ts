// Finding people: people search (typo-tolerant, MiniSearch over handles and display names, rebuilt
// when peopleChanged bumps the version) and "people you may know" (mutual follows, shared songs).
import { Follow, FollowRequest, mongoose, PlayEvent, User } from '@tonearm/db';
import type { PersonHit, SuggestionDto } from '@tonearm/validators';
import MiniSearch from 'minisearch';
import { Types } from 'mongoose';
import type { CoreDeps } from './deps';
import { blockedPeers } from './feed/visibility';
import { PEOPLE_VERSION_KEY, peopleByIds } from './people';

const { trusted } = mongoose;
const oid = (id: string) => new Types.ObjectId(id);

export type { PersonHit, SuggestionDto };

type PeopleIndex = {
  version: string;
  index: MiniSearch<{ id: string; handle: string; displayName: string }>;
};
const indexes = new WeakMap<object, PeopleIndex>();
/** Beyond this many accounts people search indexes the first ones only (a shared home server has tens). */
export const MAX_INDEXED_PEOPLE = 50_000;

async function peopleIndex(deps: CoreDeps): Promise<PeopleIndex['index']> {
  // The counter covers edits through the product; the newest id and the count also catch accounts
  // written by other paths (the admin command, seeds).
  const [counter, newest, count] = await Promise.all([
    deps.redis.get(PEOPLE_VERSION_KEY).catch(() => null),
    User.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean(),
    User.estimatedDocumentCount(),
  ]);
  const version = `${counter ?? '0'}:${String(newest?._id ?? '')}:${count}`;
  const cached = indexes.get(deps.redis);
  if (cached && cached.version === version) return cached.index;
  const index = new MiniSearch<{ id: string; handle: string; displayName: string }>({
    fields: ['handle', 'displayName'],
    storeFields: ['handle', 'displayName'],
    // Handles are one word with underscores: split them like display names so "ada_l" finds "ada".
    tokenize: (s) =>
      s
        .toLowerCase()
        .split(/[\s_\-.]+/)
        .filter(Boolean),
    processTerm: (t) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(),
  });
  const users = await User.find({ disabledAt: null }, { handle: 1, displayName: 1 })
    .limit(MAX_INDEXED_PEOPLE)
    .lean();
  index.addAll(
    users.map((u) => ({
      id: String(u._id),
      handle: `${u.handle} ${u.handle.replace(/_/g, '')}`,
      displayName: u.displayName,
    })),
  );
  indexes.set(deps.redis, { version, index });
  return index;
}

/** Typo-tolerant people search on handle and display name; hides people who blocked the viewer. */
export async function searchPeople(
  deps: CoreDeps,
  q: string,
  viewerId: string | null,
  limit = 10,
): Promise<PersonHit[]> {
  const index = await peopleIndex(deps);
  const query = q.trim().replace(/^@/, '');
  const hits = index.search(query, {
    prefix: (term) => term.length >= 2,
    fuzzy: (term) => (term.length <= 3 ? false : term.length <= 6 ? 1 : 2),
    boost: { handle: 2 },
    combineWith: 'AND',
  });
  const hidden = new Set(viewerId ? await blockedPeers(viewerId) : []);
  const ids = hits
    .map((h) => String(h.id))
    .filter((id) => !hidden.has(id) && id !== viewerId)
    .slice(0, limit);
  const people = await peopleByIds(ids);
  const score = new Map(hits.map((h) => [String(h.id), h.score]));
  return ids.flatMap((id) => {
    const p = people.get(id);
    return p ? [{ ...p, score: score.get(id) ?? 0 }] : [];
  });
}

// --- people you may know -----------------------------------------------------------------

/**
 * Follows of my follows (each counts 2) and people who played the songs I played lately (each shared
 * song counts 1), minus me, whom I follow or asked to, and blocks either way.
 */
export async function suggestPeople(userId: string, limit = 10): Promise<SuggestionDto[]> {
  const me = oid(userId);
  const [myFollows, blocked, myRequests, myPlays] = await Promise.all([
    Follow.find({ followerId: me }, { followeeId: 1 }).limit(2_000).lean(),
    blockedPeers(userId),
    FollowRequest.find({ requesterId: me }, { targetId: 1 }).lean(),
    PlayEvent.find({ userId: me }, { songId: 1 }).sort({ startedAt: -1 }).limit(200).lean(),
  ]);
  const exclude = new Set([
    userId,
    ...blocked,
    ...myFollows.map((f) => String(f.followeeId)),
    ...myRequests.map((r) => String(r.targetId)),
  ]);
  const mutual = new Map<string, number>();
  if (myFollows.length) {
    const rows = await Follow.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { followerId: trusted({ $in: myFollows.map((f) => f.followeeId) }) } },
      { $group: { _id: '$followeeId', n: { $sum: 1 } } },
      { $sort: { n: -1 } },
      { $limit: 500 },
    ]);
    for (const r of rows) if (!exclude.has(String(r._id))) mutual.set(String(r._id), r.n);
  }
  const shared = new Map<string, number>();
  const songIds = [...new Set(myPlays.map((p) => String(p.songId)))];
  if (songIds.length) {
    const rows = await PlayEvent.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { songId: trusted({ $in: songIds.map(oid) }), userId: trusted({ $ne: me }) } },
      { $group: { _id: { u: '$userId', s: '$songId' } } },
      { $group: { _id: '$_id.u', n: { $sum: 1 } } },
      { $sort: { n: -1 } },
      { $limit: 500 },
    ]);
    for (const r of rows) if (!exclude.has(String(r._id))) shared.set(String(r._id), r.n);
  }
  const ranked = [...new Set([...mutual.keys(), ...shared.keys()])]
    .map((id) => ({ id, m: mutual.get(id) ?? 0, s: shared.get(id) ?? 0 }))
    .sort((a, b) => 2 * b.m + b.s - (2 * a.m + a.s) || a.id.localeCompare(b.id));
  const people = await peopleByIds(ranked.slice(0, limit * 2).map((r) => r.id));
  return ranked
    .flatMap((r) => {
      const p = people.get(r.id);
      if (!p) return [];
      const reason =
        r.m > 0
          ? `Followed by ${r.m} ${r.m === 1 ? 'person' : 'people'} you follow`
          : `Listens to ${r.s} of the songs you played`;
      return [{ ...p, mutualFollows: r.m, sharedSongs: r.s, reason }];
    })
    .slice(0, limit);
}
