// play.recent and discovery.forYou through the router: recent plays newest first and each song once,
// straight from stored play events (play.report's, before any counting); "Recommended for you"
// follows the latest plays, leaves out what was just heard, and falls back to the charts.

import { refreshSongNeighbors } from '@tonearm/core';
import { generateCatalog, generatePlayLog, insertCatalog, insertPlayLog, Song } from '@tonearm/db';
import { Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCallers } from './support/signed-in';

let svc: TestServices;
let queues: Queues;

beforeAll(async () => {
  svc = await startTestServices();
  queues = new Queues(workerConnection(), { prefix: `bull-t${uid(4)}` });
  const cat = generateCatalog({ seed: 21, songs: 300 });
  await insertCatalog(cat);
  await insertPlayLog(generatePlayLog(cat, { seed: 3, users: 40, playsPerUser: [10, 20], clusters: 4 }));
  await refreshSongNeighbors(
    { cache: svc.cache, redis: svc.redis },
    { mode: 'full', now: new Date('2026-12-31') },
  );
});
afterAll(async () => {
  await queues?.close();
  await svc?.close();
});

const { callerAs, signedInCaller } = testCallers(() => ({
  cache: svc.cache,
  redis: svc.redis,
  log: svc.log,
  queues,
}));
const signedIn = () => signedInCaller();

const report = (caller: Awaited<ReturnType<typeof signedIn>>, songId: string, minutesAgo: number) =>
  caller.play.report({
    eventId: `ev-${uid(8)}`,
    songId,
    startedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    playedSec: 40,
    completed: false,
  });

describe('play.recent', () => {
  it('lists reported songs newest first, each once, and needs a session', async () => {
    const caller = await signedIn();
    expect(await caller.play.recent({ limit: 10 })).toEqual([]);
    const songs = await Song.find({ 'media.status': 'ready' }).sort({ _id: 1 }).limit(3).lean();
    const [a, b, c] = songs.map((s) => String(s._id));
    await report(caller, a!, 30);
    await report(caller, b!, 20);
    await report(caller, a!, 10);
    await report(caller, c!, 5);
    const recent = await caller.play.recent({ limit: 10 });
    expect(recent.map((r) => r.song.id)).toEqual([c, a, b]);
    expect(new Date(recent[1]!.playedAt).getTime()).toBeGreaterThan(Date.now() - 11 * 60_000);
    expect((await caller.play.recent({ limit: 2 })).map((r) => r.song.id)).toEqual([c, a]);

    const anonymous = await callerAs(null);
    await expect(anonymous.play.recent({ limit: 5 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(caller.play.recent({ limit: 500 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('discovery.forYou', () => {
  it('starts from the charts, then follows the latest plays without repeating them', async () => {
    const caller = await signedIn();
    const cold = await caller.discovery.forYou({ limit: 10 });
    const charts = await Song.find({ 'media.status': 'ready' })
      .sort({ playCount: -1, _id: 1 })
      .limit(10)
      .lean();
    expect(cold.map((s) => s.id)).toEqual(charts.map((s) => String(s._id)));
    expect(cold.every((s) => s.reasons.includes('popular'))).toBe(true);

    const seed = await Song.findOne({ title: 'Hells Bells' }).lean();
    const seedId = String(seed!._id);
    await report(caller, seedId, 1);
    const warm = await caller.discovery.forYou({ limit: 10 });
    expect(warm).toHaveLength(10);
    expect(warm.map((s) => s.id)).not.toContain(seedId);
    expect(warm.every((s) => s.status === 'ready')).toBe(true);
    // The songs "More like this" gives for the seed lead the list.
    const like = (await caller.discovery.moreLikeThis({ songId: seedId, limit: 10 })).map((s) => s.id);
    expect(like).toContain(warm[0]!.id);
    expect(warm[0]!.reasons).not.toEqual(['popular']);
  });
});
