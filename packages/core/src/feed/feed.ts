// The "friends are listening to" feed: the people you follow, what they play now and what they
// played recently. This query is the initial state (and the re-sync after a reconnect); live changes
// arrive over socket.io (`presence:changed`, `play:started`) from apps/server/src/realtime.ts.
import { mongoose, Song, User } from '@tonearm/db';
import type { Presence, PresenceStore } from '@tonearm/realtime';
import type { Feed, FeedEntry, FeedSong } from '@tonearm/realtime/events';
import { Types } from 'mongoose';
import type { CoreDeps } from '../deps';
import { avatarUrl } from '../dto';
import { presenceOf } from './presence';
import { visibleFollowees } from './visibility';

export type { Feed, FeedEntry, FeedSong };

const rank = (p: Presence) => (p.state === 'streaming' ? (p.isPaused ? 1 : 0) : p.state === 'online' ? 2 : 3);

export async function getFeed(
  deps: CoreDeps,
  viewerId: string,
  opts: { limit: number; recentLimit: number },
): Promise<Feed> {
  const store: PresenceStore = presenceOf(deps);
  const ids = await visibleFollowees(viewerId, opts.limit);
  if (ids.length === 0) return { friends: [], at: Date.now() };
  const [users, live] = await Promise.all([
    User.find(
      { _id: mongoose.trusted({ $in: ids.map((id) => new Types.ObjectId(id)) }) },
      { handle: 1, displayName: 1, avatarKey: 1, isActivityPrivate: 1 },
    ).lean(),
    store.readMany(ids, opts.recentLimit),
  ]);
  const songIds = new Set<string>();
  for (const u of users) {
    if (u.isActivityPrivate) continue;
    const p = live.get(String(u._id));
    if (!p) continue;
    if (p.presence.state === 'streaming') songIds.add(p.presence.songId);
    for (const r of p.recent) songIds.add(r.songId);
  }
  const songs = new Map<string, FeedSong>();
  const valid = [...songIds].filter((s) => /^[a-f0-9]{24}$/.test(s));
  if (valid.length) {
    const docs = await Song.find(
      { _id: mongoose.trusted({ $in: valid.map((s) => new Types.ObjectId(s)) }) },
      { title: 1, artistName: 1 },
    ).lean();
    for (const d of docs)
      songs.set(String(d._id), { id: String(d._id), title: d.title, artistName: d.artistName });
  }
  const friends: FeedEntry[] = users.map((u) => {
    const id = String(u._id);
    const p = live.get(id);
    // The sticky account setting wins over whatever Redis holds (e.g. set while the user was online).
    const hidden = Boolean(u.isActivityPrivate) || !p;
    const presence: Presence = hidden ? { state: 'offline' } : p.presence;
    return {
      user: { id, handle: u.handle, displayName: u.displayName, avatarUrl: avatarUrl(u) },
      presence,
      nowPlaying: presence.state === 'streaming' ? (songs.get(presence.songId) ?? null) : null,
      seq: p?.seq ?? 0,
      recent: hidden
        ? []
        : p.recent.flatMap((r) => {
            const song = songs.get(r.songId);
            return song ? [{ song, startedAt: r.startedAt }] : [];
          }),
    };
  });
  friends.sort(
    (a, b) =>
      rank(a.presence) - rank(b.presence) ||
      (b.recent[0]?.startedAt ?? 0) - (a.recent[0]?.startedAt ?? 0) ||
      a.user.handle.localeCompare(b.user.handle),
  );
  return { friends, at: Date.now() };
}
