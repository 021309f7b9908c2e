// The play-archive job end to end through BullMQ: the registered processor (daily schedule) rolls
// events counted past the retention into play_archive and deletes them; a bad payload fails unretried.
import { env } from '@tonearm/config';
import { Artist, PlayArchive, PlayEvent, Song, User } from '@tonearm/db';
import { hashTagged, Jobs, Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { QueueEvents, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerDeps, type OwnedWorkerDeps, processors, startWorker } from '../src';

let svc: TestServices;
let queues: Queues;
let worker: Worker;
let events: QueueEvents;
let deps: OwnedWorkerDeps;
const prefix = hashTagged(`bull-t${uid(4)}`);
const p = () => processors.find((x) => x.job.name === Jobs.archivePlays.name)!;

beforeAll(async () => {
  svc = await startTestServices();
  queues = new Queues(workerConnection(), { prefix });
  deps = await createWorkerDeps({ log: svc.log, redis: svc.redis, cache: svc.cache, queues });
  worker = startWorker(p(), { connection: workerConnection(), deps, prefix });
  events = new QueueEvents(p().job.queue, { connection: workerConnection(), prefix });
  await events.waitUntilReady();
});
afterAll(async () => {
  await worker?.close();
  await events?.close();
  await deps?.close();
  await queues?.close();
  await svc?.close();
});

describe('plays.archive job', () => {
  it('is registered on a daily schedule', () => {
    expect(p().job.queue).toBe('maintenance');
    expect(p().schedules).toEqual([{ id: 'plays-archive-daily', pattern: '43 3 * * *', payload: {} }]);
  });

  it('runs through BullMQ with the configured retention and archives old counted events', async () => {
    const artist = await Artist.create({ name: `A ${uid()}` });
    const song = await Song.create({ title: 'S', artistId: artist._id, artistName: artist.name });
    const user = await User.create({
      email: `${uid()}@example.com`,
      handle: `u${uid()}`,
      displayName: 'U',
      passwordHash: 'x',
    });
    const days = env().PLAY_EVENTS_RETENTION_DAYS;
    const old = new Date(Date.now() - (days + 3) * 86_400_000);
    const recent = new Date(Date.now() - (days - 3) * 86_400_000);
    await PlayEvent.insertMany(
      [old, old, recent].map((at, i) => ({
        eventId: `ev-${uid()}-${i}`,
        userId: user._id,
        songId: song._id,
        artistId: artist._id,
        startedAt: at,
        playedSec: 60,
        countedAt: at,
      })),
    );
    const job = await queues.enqueue(Jobs.archivePlays, {});
    const result = (await job.waitUntilFinished(events, 60_000)) as { events: number };
    expect(result.events).toBe(2);
    expect(await PlayEvent.countDocuments({ userId: user._id })).toBe(1);
    const rows = await PlayArchive.find({ userId: user._id }).lean();
    expect(rows.map((r) => [r.plays, r.playedSec])).toEqual([[2, 120]]);
  });

  it('rejects an invalid payload before enqueueing and fails it unretried if it arrives anyway', async () => {
    expect(() => Jobs.archivePlays.schema.parse({ retentionDays: 0 })).toThrow();
    const job = await queues
      .get('maintenance')
      .add('plays.archive', { retentionDays: 'all' }, { attempts: 3 });
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/invalid payload/);
    expect((await queues.get('maintenance').getJob(job.id!))?.attemptsMade).toBe(1);
  });
});
