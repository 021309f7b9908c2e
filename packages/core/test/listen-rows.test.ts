// The listener rows a play report writes (listener_songs, listener_index, song_listeners, recs_dirty)
// are exactly once per eventId, on the MongoDB stand-in and Redis: a report that died after storing
// its PlayEvent gets its rows from the retry (which sees a duplicate), and replays count nothing.
import {
  Artist,
  LISTEN_GUARD,
  ListenerIndex,
  ListenerSong,
  PlayEvent,
  RecsDirty,
  recordListen,
  Song,
  SongListeners,
  Types,
  User,
} from '@tonearm/db';
import { Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CoreDeps, reportPlay } from '../src';

let svc: TestServices;
let deps: CoreDeps;
let queues: Queues;

beforeAll(async () => {
  svc = await startTestServices();
  queues = new Queues(workerConnection(), { prefix: `bull-t${uid(4)}` });
  deps = { cache: svc.cache, redis: svc.redis, log: svc.log, queues };
});
afterAll(async () => {
  await queues?.close();
  await svc?.close();
});

async function seed() {
  const artist = await Artist.create({ name: `A ${uid()}` });
  const song = await Song.create({
    title: 'S',
    artistId: artist._id,
    artistName: artist.name,
    durationSec: 200,
  });
  const user = await User.create({
    email: `${uid()}@example.com`,
    handle: `u${uid()}`,
    displayName: 'U',
    passwordHash: 'x',
  });
  return { artist, song, user, userId: String(user._id), songId: String(song._id) };
}

const rowOf = (userId: string, songId: string) => ListenerSong.findById(`${userId}:${songId}`).lean();
const state = async (userId: string, songId: string) => ({
  plays: (await rowOf(userId, songId))?.plays ?? 0,
  inIndex: ((await ListenerIndex.findById(userId).lean())?.songs ?? []).map(String).includes(songId),
  inSong: ((await SongListeners.findById(songId).lean())?.users ?? []).map(String).includes(userId),
  dirty: ((await RecsDirty.findById(userId).lean())?.added ?? []).map(String).includes(songId),
});

describe('play reports and the listener rows', () => {
  it('a report that died after storing the event gets its listener rows from the retry, once', async () => {
    const { artist, song, userId, songId } = await seed();
    const input = {
      eventId: `ev-${uid()}`,
      songId,
      startedAt: new Date('2026-11-30T10:00:00Z'),
      playedSec: 120,
      completed: false,
    };
    // What the first attempt wrote before it died: the event upsert reportPlay makes, nothing else.
    await PlayEvent.updateOne(
      { userId: new Types.ObjectId(userId), startedAt: input.startedAt, eventId: input.eventId },
      {
        $setOnInsert: {
          eventId: input.eventId,
          userId,
          songId: song._id,
          artistId: artist._id,
          startedAt: input.startedAt,
          playedSec: 120,
          completed: false,
          countedAt: null,
        },
      },
      { upsert: true },
    );
    expect(await state(userId, songId)).toEqual({ plays: 0, inIndex: false, inSong: false, dirty: false });
    const retry = await reportPlay(deps, userId, input);
    expect(retry.isDuplicate).toBe(true);
    expect(await state(userId, songId)).toEqual({ plays: 1, inIndex: true, inSong: true, dirty: true });
    // Replays, one after the other and concurrently: still one play.
    await reportPlay(deps, userId, input);
    await Promise.all([reportPlay(deps, userId, input), reportPlay(deps, userId, input)]);
    expect((await state(userId, songId)).plays).toBe(1);
    expect(await PlayEvent.countDocuments({ eventId: input.eventId })).toBe(1);
    // A new play of the same song is counted, and is not a first play (the neighbour job has nothing new).
    await RecsDirty.deleteOne({ _id: userId });
    await reportPlay(deps, userId, {
      ...input,
      eventId: `ev-${uid()}`,
      startedAt: new Date('2026-11-30T11:00:00Z'),
    });
    const row = await rowOf(userId, songId);
    expect(row?.plays).toBe(2);
    expect(row?.last.toISOString()).toBe('2026-11-30T11:00:00.000Z');
    expect(await RecsDirty.findById(userId).lean()).toBeNull();
  });

  it('two first reports of the same event racing count once', async () => {
    const { userId, songId } = await seed();
    const input = { eventId: `ev-${uid()}`, songId, startedAt: new Date(), playedSec: 30, completed: false };
    const results = await Promise.all([1, 2, 3].map(() => reportPlay(deps, userId, input)));
    expect(results.filter((r) => !r.isDuplicate)).toHaveLength(1);
    expect(await state(userId, songId)).toEqual({ plays: 1, inIndex: true, inSong: true, dirty: true });
  });

  it('died after the listener row, before the sets and the mark: the retry completes them', async () => {
    const { userId, songId } = await seed();
    const eventId = `ev-${uid()}`;
    const startedAt = new Date('2026-11-29T08:00:00Z');
    // The row update recordListen makes, alone (the process died right after it).
    await ListenerSong.collection.updateOne(
      { _id: `${userId}:${songId}` } as never,
      {
        $inc: { plays: 1 },
        $max: { last: startedAt },
        $set: { updatedAt: new Date() },
        $setOnInsert: { userId: new Types.ObjectId(userId), songId: new Types.ObjectId(songId) },
        $push: { events: { $each: [eventId], $slice: -LISTEN_GUARD } },
      } as never,
      { upsert: true },
    );
    const again = await recordListen({ userId, songId, startedAt, eventId });
    expect(again).toEqual({ applied: false, firstPlay: true });
    expect(await state(userId, songId)).toEqual({ plays: 1, inIndex: true, inSong: true, dirty: true });
  });

  it(`keeps the guard of the latest ${LISTEN_GUARD} plays of a row, not more`, async () => {
    const { userId, songId } = await seed();
    for (let i = 0; i < LISTEN_GUARD + 6; i++)
      await recordListen({
        userId,
        songId,
        startedAt: new Date(Date.UTC(2026, 10, 1, 0, i)),
        eventId: `e${i}`,
      });
    const row = await rowOf(userId, songId);
    expect(row?.plays).toBe(LISTEN_GUARD + 6);
    expect(row?.events).toHaveLength(LISTEN_GUARD);
    expect(row?.events?.at(-1)).toBe(`e${LISTEN_GUARD + 5}`);
    // The latest ones are still guarded.
    await recordListen({ userId, songId, startedAt: new Date(), eventId: `e${LISTEN_GUARD + 5}` });
    expect((await rowOf(userId, songId))?.plays).toBe(LISTEN_GUARD + 6);
  });
});
