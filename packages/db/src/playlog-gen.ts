// Play-log generator with taste clusters, for the recommendation tests, the demo and the offline
// evaluation. Listeners belong to a main taste cluster (a set of artists across genres) and a second
// one; most of their plays come from those clusters, a few from the global charts. Deterministic.
import { Types } from 'mongoose';
import { type Catalog, type GenSong, rng } from './catalog-gen';
import { PlayEvent, User } from './models';
import { recordListens } from './models-recs';

export type PlayLogOptions = {
  seed?: number;
  users?: number;
  /** Plays per listener, uniformly between the two bounds. */
  playsPerUser?: [number, number];
  clusters?: number;
  /** Share of plays from the listener's main cluster, from the second one; the rest are chart hits. */
  mainShare?: number;
  secondShare?: number;
  /** Time of the first play; plays of a listener are 3–30 minutes apart. */
  start?: Date;
};

export type GenUser = {
  _id: Types.ObjectId;
  email: string;
  handle: string;
  displayName: string;
  passwordHash: string;
};
export type GenPlay = {
  eventId: string;
  userId: Types.ObjectId;
  songId: Types.ObjectId;
  artistId: Types.ObjectId;
  startedAt: Date;
  playedSec: number;
  completed: boolean;
};
export type PlayLog = {
  users: GenUser[];
  plays: GenPlay[];
  clusterOf: Map<string, number>;
  clusters: GenSong[][];
};

/** Picks one of `items` with probability proportional to `weight(item)` (binary search over the running sums). */
export function weightedPicker<T>(items: T[], weight: (item: T) => number, r: () => number): () => T {
  const cum: number[] = [];
  let total = 0;
  for (const it of items) {
    total += weight(it);
    cum.push(total);
  }
  return () => {
    const x = r() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

/** Songs with probability growing with play count (so clusters have their own hits). */
const songPicker = (songs: GenSong[], r: () => number) =>
  weightedPicker(songs, (s) => Math.sqrt(s.playCount + 1), r);

export function generatePlayLog(catalog: Catalog, opts: PlayLogOptions = {}): PlayLog {
  const r = rng(opts.seed ?? 7);
  const nUsers = opts.users ?? 200;
  const [minPlays, maxPlays] = opts.playsPerUser ?? [20, 60];
  const k = opts.clusters ?? 8;
  const mainShare = opts.mainShare ?? 0.75;
  const secondShare = opts.secondShare ?? 0.15;
  const start = opts.start ?? new Date('2026-10-01T00:00:00Z');
  const playable = catalog.songs.filter((s) => s.media.status === 'ready');

  // Each artist belongs to one cluster, so a cluster mixes genres: taste, not just genre.
  const clusterOfArtist = new Map<string, number>();
  for (const a of catalog.artists) clusterOfArtist.set(String(a._id), Math.floor(r() * k));
  const clusters: GenSong[][] = Array.from({ length: k }, () => []);
  for (const s of playable) clusters[clusterOfArtist.get(String(s.artistId)) ?? 0]!.push(s);
  const pickers = clusters.map((c) => (c.length ? songPicker(c, r) : null));
  const chart = [...playable].sort((a, b) => b.playCount - a.playCount).slice(0, 50);
  const pickChart = songPicker(chart, r);

  const users: GenUser[] = [];
  const plays: GenPlay[] = [];
  const clusterOf = new Map<string, number>();
  for (let u = 0; u < nUsers; u++) {
    const idBytes = Buffer.alloc(12);
    idBytes.writeUInt32BE(0x64656d6f, 0); // "demo"
    idBytes.writeUInt32BE((opts.seed ?? 7) >>> 0, 4);
    idBytes.writeUInt32BE(u, 8);
    const id = new Types.ObjectId(idBytes);
    const main = Math.floor(r() * k);
    const second = (main + 1 + Math.floor(r() * (k - 1))) % k;
    clusterOf.set(String(id), main);
    users.push({
      _id: id,
      email: `listener${u}@demo.tonearm.local`,
      handle: `listener_${u}`,
      displayName: `Listener ${u}`,
      // Not a usable password hash: demo listeners cannot sign in.
      passwordHash: '!',
    });
    const n = minPlays + Math.floor(r() * (maxPlays - minPlays + 1));
    let t = start.getTime() + Math.floor(r() * 86_400_000);
    for (let i = 0; i < n; i++) {
      const x = r();
      const pickFrom =
        x < mainShare ? pickers[main] : x < mainShare + secondShare ? pickers[second] : pickChart;
      const s = (pickFrom ?? pickChart)();
      t += (3 + Math.floor(r() * 27)) * 60_000;
      const playedSec = Math.round(s.durationSec * (0.3 + 0.7 * r()));
      plays.push({
        eventId: `gen-${u}-${i}`,
        userId: id,
        songId: s._id,
        artistId: s.artistId,
        startedAt: new Date(t),
        playedSec,
        completed: playedSec >= s.durationSec * 0.9,
      });
    }
  }
  return { users, plays, clusterOf, clusters };
}

/** Inserts listeners and plays in bulk (unordered; re-running skips what exists). */
export async function insertPlayLog(log: { users?: GenUser[]; plays: GenPlay[] }): Promise<number> {
  const now = new Date();
  const ignoreDuplicates = (e: unknown) => {
    const err = e as { code?: number; writeErrors?: { code?: number }[] };
    const ws = err.writeErrors ?? [];
    if (!(ws.length ? ws.every((w) => w.code === 11000) : err.code === 11000)) throw e;
  };
  if (log.users?.length)
    await User.collection
      .insertMany(
        log.users.map((u) => ({
          ...u,
          role: 'user',
          isActivityPrivate: false,
          createdAt: now,
          updatedAt: now,
        })),
        { ordered: false },
      )
      .catch(ignoreDuplicates);
  for (let i = 0; i < log.plays.length; i += 5_000) {
    const chunk = log.plays.slice(i, i + 5_000).map((p) => ({ ...p, countedAt: null, createdAt: now }));
    await PlayEvent.collection.insertMany(chunk, { ordered: false }).catch(ignoreDuplicates);
  }
  // What every play report also does: the per-listener rows the recommendations read.
  await recordListens(log.plays, now);
  return log.plays.length;
}
