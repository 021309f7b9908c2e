// The incremental neighbour job (recs/job.ts) on the MongoDB stand-in and Redis: its work follows the
// first plays of a (listener, song) pair, the rows of newly played songs equal a full recompute, and
// the other songs of the new pairs' listeners carry the same score for the new song as a full run.
import {
  generateCatalog,
  generatePlayLog,
  insertCatalog,
  insertPlayLog,
  type PlayLog,
  RecsDirty,
  recordListen,
  SongNeighbors,
} from '@tonearm/db';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreDeps, refreshSongNeighbors, unpackNeighbors } from '../src';

let svc: TestServices;
let deps: CoreDeps;
let log: PlayLog;
const now = new Date('2026-12-01');

beforeAll(async () => {
  svc = await startTestServices();
  deps = { cache: svc.cache, redis: svc.redis, log: svc.log };
  const cat = generateCatalog({ seed: 11, songs: 400 });
  await insertCatalog(cat);
  log = generatePlayLog(cat, { seed: 5, users: 60, playsPerUser: [10, 25], clusters: 5 });
  await insertPlayLog(log);
});
afterAll(() => svc?.close());

type Row = { n: number; sim: Map<string, number>; mlt: Map<string, number>; at: number };
const rows = async (): Promise<Map<string, Row>> =>
  new Map(
    (await SongNeighbors.find().lean()).map((r) => [
      String(r.songId),
      {
        n: r.listenerCount ?? 0,
        sim: new Map(unpackNeighbors(r.packed).map((x) => [x.song, x.score])),
        mlt: new Map(unpackNeighbors(r.packedMlt).map((x) => [x.song, x.score])),
        at: r.computedAt.getTime(),
      },
    ]),
  );
const songsOf = (u: string) => [
  ...new Set(log.plays.filter((p) => String(p.userId) === u).map((p) => String(p.songId))),
];

describe('incremental neighbour job', () => {
  it('a replay of a song the listener already plays changes nothing and costs nothing', async () => {
    await refreshSongNeighbors(deps, { mode: 'full', now });
    const before = await rows();
    const u = String(log.users[0]!._id);
    await recordListen({
      userId: u,
      songId: songsOf(u)[0]!,
      startedAt: new Date('2026-11-25'),
      eventId: 'replay-1',
    });
    expect(await RecsDirty.countDocuments()).toBe(0);
    const run = await refreshSongNeighbors(deps, { now });
    expect(run).toMatchObject({
      mode: 'incremental',
      newPairs: 0,
      songs: 0,
      patched: 0,
      rowsWritten: 0,
      pairsRead: 0,
    });
    const after = await rows();
    for (const [k, r] of after) expect(r.at).toBe(before.get(k)!.at);
  });

  it('recomputes the newly played songs exactly and patches the new song into its listeners’ other rows', async () => {
    await refreshSongNeighbors(deps, { mode: 'full', now });
    const before = await rows();
    // Three listeners each play one song they never played (two of them the same song), plus replays.
    const [a, b, c] = log.users.slice(1, 4).map((x) => String(x._id));
    const mine = new Map([a, b, c].map((u) => [u!, songsOf(u!)]));
    const fresh = songsOf(String(log.users[10]!._id)).filter(
      (s) => ![a, b, c].some((u) => mine.get(u!)!.includes(s)),
    );
    const plays = [
      { userId: a!, songId: fresh[0]! },
      { userId: b!, songId: fresh[0]! },
      { userId: c!, songId: fresh[1]! },
      { userId: a!, songId: mine.get(a!)![0]! },
      { userId: c!, songId: mine.get(c!)![1]! },
    ];
    for (const [i, p] of plays.entries())
      await recordListen({ ...p, startedAt: new Date('2026-11-28T10:00:00Z'), eventId: `new-${i}` });
    const run = await refreshSongNeighbors(deps, { now });
    expect(run).toMatchObject({ mode: 'incremental', newPairs: 3, listeners: 3, songs: 2 });
    const inc = await rows();
    // Rows touched: the two new songs and the other songs of a, b and c, no other.
    const others = new Set([a, b, c].flatMap((u) => mine.get(u!)!));
    const touched = [...inc].filter(([k, r]) => r.at !== before.get(k)?.at).map(([k]) => k);
    expect(touched).toEqual(expect.arrayContaining([fresh[0], fresh[1]]));
    for (const k of touched) expect(k === fresh[0] || k === fresh[1] || others.has(k), k).toBe(true);
    expect(run.patched).toBe(touched.length - 2);
    expect(run.patched).toBeGreaterThan(0);
    expect(await RecsDirty.countDocuments()).toBe(0);

    await refreshSongNeighbors(deps, { mode: 'full', now });
    const full = await rows();
    const close = (x: number | undefined, y: number | undefined) => {
      expect(x).toBeDefined();
      expect(Math.abs(x! - y!) / y!).toBeLessThan(1e-5);
    };
    for (const s of [fresh[0]!, fresh[1]!]) {
      const [i, f] = [inc.get(s)!, full.get(s)!];
      expect(i.n).toBe(f.n);
      expect([...i.sim.keys()]).toEqual([...f.sim.keys()]);
      for (const [k, v] of f.sim) close(i.sim.get(k), v);
      expect([...i.mlt.keys()]).toEqual([...f.mlt.keys()]);
      for (const [k, v] of f.mlt) close(i.mlt.get(k), v);
    }
    // The new song's entry in the listeners' other rows: the full run's score.
    let checked = 0;
    for (const [u, s] of [
      [a!, fresh[0]!],
      [c!, fresh[1]!],
    ] as const)
      for (const k of mine.get(u)!) {
        const f = full.get(k)?.sim.get(s);
        if (f === undefined) continue;
        close(inc.get(k)!.sim.get(s), f);
        checked++;
      }
    expect(checked).toBeGreaterThan(3);
  });

  it('reads at most maxListenersPerSong baskets for a new song and still writes its true listener count', async () => {
    await refreshSongNeighbors(deps, { mode: 'full', now });
    const full = await rows();
    // The most played song, and a listener who never played it.
    const [hit] = [...full].sort((x, y) => y[1].n - x[1].n)[0]!;
    const u = log.users.map((x) => String(x._id)).find((x) => !songsOf(x).includes(hit))!;
    await recordListen({ userId: u, songId: hit, startedAt: new Date('2026-11-29'), eventId: 'hub-1' });
    const run = await refreshSongNeighbors(deps, { now, maxListenersPerSong: 3 });
    expect(run).toMatchObject({ newPairs: 1, songs: 1 });
    // Baskets read: the hit's 3 latest listeners and u (≤ 4 listener_index rows) plus one song_listeners row.
    const basketMax = Math.max(...log.users.map((x) => songsOf(String(x._id)).length)) + 1;
    expect(run.pairsRead).toBeLessThanOrEqual(1 + 4 * basketMax);
    const row = (await rows()).get(hit)!;
    expect(row.n).toBe(full.get(hit)!.n + 1);
    expect(row.sim.size).toBeGreaterThan(0);
  });
});
