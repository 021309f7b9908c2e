// Retention of raw play events on the real MongoDB stand-in: counted events past the retention are
// rolled into per-listener, per-song daily rows and deleted, exactly once, across several batches and
// after a run that died half-way; uncounted and recent events stay; play_daily is untouched; the job
// runs through BullMQ with its registered processor.
import { env } from '@tonearm/config';
import {
  Artist,
  mongoose,
  PlayArchive,
  PlayArchiveRun,
  PlayDaily,
  PlayEvent,
  Song,
  Types,
  User,
} from '@tonearm/db';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivePlayEvents } from '../src/play-archive';

let svc: TestServices;
const NOW = new Date('2026-12-01T12:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

beforeAll(async () => {
  svc = await startTestServices();
});
afterAll(async () => {
  await svc?.close();
});

async function seed() {
  const artist = await Artist.create({ name: `A ${uid()}` });
  const songs = await Promise.all(
    [1, 2].map((n) => Song.create({ title: `S${n}`, artistId: artist._id, artistName: artist.name })),
  );
  const users = await Promise.all(
    [1, 2].map(() =>
      User.create({
        email: `${uid()}@example.com`,
        handle: `u${uid()}`,
        displayName: 'U',
        passwordHash: 'x',
      }),
    ),
  );
  return { artist, songs, users };
}

type Ev = { user: number; song: number; startedDaysAgo: number; countedDaysAgo: number | null; sec: number };

async function insertEvents(s: Awaited<ReturnType<typeof seed>>, evs: Ev[]) {
  await PlayEvent.insertMany(
    evs.map((e, i) => ({
      eventId: `ev-${uid()}-${i}`,
      userId: s.users[e.user]!._id,
      songId: s.songs[e.song]!._id,
      artistId: s.artist._id,
      startedAt: new Date(daysAgo(e.startedDaysAgo).getTime() + i * 1000),
      playedSec: e.sec,
      completed: e.sec >= 100,
      countedAt: e.countedDaysAgo === null ? null : daysAgo(e.countedDaysAgo),
    })),
  );
}

const rowsOf = async (userIds: Types.ObjectId[]) =>
  (
    await PlayArchive.find({ userId: mongoose.trusted({ $in: userIds }) as never })
      .select('+batches')
      .lean()
  )
    .map((r) => ({
      user: String(r.userId),
      song: String(r.songId),
      day: r.day,
      plays: r.plays,
      playedSec: r.playedSec,
      completed: r.completed,
      batches: r.batches ?? [],
    }))
    .sort((a, b) => `${a.user}${a.song}${a.day}`.localeCompare(`${b.user}${b.song}${b.day}`));

describe('archivePlayEvents', () => {
  it('rolls old counted events into daily rows, exactly once, over several batches; keeps the rest', async () => {
    const s = await seed();
    // u0 played s0 three times 40 days ago (120 s each), s1 once; u1 played s0 twice 45 days ago.
    await insertEvents(s, [
      ...[0, 1, 2].map(() => ({ user: 0, song: 0, startedDaysAgo: 40, countedDaysAgo: 40, sec: 120 })),
      { user: 0, song: 1, startedDaysAgo: 40, countedDaysAgo: 40, sec: 30 },
      ...[0, 1].map(() => ({ user: 1, song: 0, startedDaysAgo: 45, countedDaysAgo: 45, sec: 200 })),
      // Kept: not counted yet (its job has not run), counted recently, and a late report of an old play.
      { user: 0, song: 0, startedDaysAgo: 50, countedDaysAgo: null, sec: 10 },
      { user: 1, song: 1, startedDaysAgo: 2, countedDaysAgo: 2, sec: 10 },
      { user: 1, song: 1, startedDaysAgo: 90, countedDaysAgo: 1, sec: 10 },
    ]);
    const daily = await PlayDaily.countDocuments();
    const r = await archivePlayEvents({ retentionDays: 30, batchSize: 2, now: NOW });
    expect(r).toMatchObject({ events: 6, batches: 3, resumed: 0 });
    const [u0, u1] = s.users.map((u) => String(u._id));
    const [s0, s1] = s.songs.map((x) => String(x._id));
    const day = (d: number) => daysAgo(d).toISOString().slice(0, 10);
    const expected = [
      { user: u0, song: s0, day: day(40), plays: 3, playedSec: 360, completed: 3, batches: [] },
      { user: u0, song: s1, day: day(40), plays: 1, playedSec: 30, completed: 0, batches: [] },
      { user: u1, song: s0, day: day(45), plays: 2, playedSec: 400, completed: 2, batches: [] },
    ].sort((a, b) => `${a.user}${a.song}${a.day}`.localeCompare(`${b.user}${b.song}${b.day}`));
    expect(await rowsOf(s.users.map((u) => u._id))).toEqual(expected);
    const left = await PlayEvent.find({
      userId: mongoose.trusted({ $in: s.users.map((u) => u._id) }) as never,
    }).lean();
    expect(left).toHaveLength(3);
    expect(left.every((e) => !e.countedAt || e.countedAt > daysAgo(30))).toBe(true);
    expect(await PlayDaily.countDocuments()).toBe(daily);
    // A second run finds nothing more and changes nothing.
    expect(await archivePlayEvents({ retentionDays: 30, batchSize: 2, now: NOW })).toMatchObject({
      events: 0,
    });
    expect(await rowsOf(s.users.map((u) => u._id))).toEqual(expected);
    expect(await PlayArchiveRun.countDocuments({ state: mongoose.trusted({ $ne: 'done' }) as never })).toBe(
      0,
    );
  });

  it('finishes a run that died after rolling up part of a batch, counting each event once', async () => {
    const s = await seed();
    await insertEvents(s, [
      ...[0, 1, 2, 3].map(() => ({ user: 0, song: 0, startedDaysAgo: 100, countedDaysAgo: 100, sec: 50 })),
      { user: 1, song: 1, startedDaysAgo: 100, countedDaysAgo: 100, sec: 50 },
    ]);
    // What a run had written when it died: the batch claimed, u0's row applied, u1's not.
    const batchId = new Types.ObjectId().toHexString();
    await PlayArchiveRun.create({ _id: batchId, cutoff: daysAgo(30), state: 'claimed' });
    await PlayEvent.updateMany(
      { userId: mongoose.trusted({ $in: s.users.map((u) => u._id) }) as never },
      { $set: { archiveBatch: batchId } },
    );
    const d = daysAgo(100).toISOString().slice(0, 10);
    await PlayArchive.create({
      userId: s.users[0]!._id,
      songId: s.songs[0]!._id,
      day: d,
      plays: 4,
      playedSec: 200,
      completed: 0,
      batches: [batchId],
    });
    const r = await archivePlayEvents({ retentionDays: 30, now: NOW });
    expect(r.resumed).toBe(1);
    const rows = await rowsOf(s.users.map((u) => u._id));
    expect(rows).toHaveLength(2);
    expect(rows.every((x) => x.batches.length === 0)).toBe(true);
    expect(rows.find((x) => x.user === String(s.users[0]!._id))?.plays).toBe(4);
    expect(rows.find((x) => x.user === String(s.users[1]!._id))?.plays).toBe(1);
    expect(await PlayEvent.countDocuments({ archiveBatch: batchId })).toBe(0);
    expect((await PlayArchiveRun.findById(batchId).lean())?.state).toBe('done');
  });

  it('refuses a retention under one day', async () => {
    await expect(archivePlayEvents({ retentionDays: 0 })).rejects.toThrow(/at least 1/);
    await expect(archivePlayEvents({ retentionDays: Number.NaN })).rejects.toThrow(RangeError);
    expect(env().PLAY_EVENTS_RETENTION_DAYS).toBeGreaterThan(180);
  });
});
