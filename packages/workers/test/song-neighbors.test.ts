import { generateCatalog, generatePlayLog, insertCatalog, insertPlayLog, SongNeighbors } from '@tonearm/db';
import { hashTagged, Jobs, Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { QueueEvents, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerDeps, type OwnedWorkerDeps, processors, startWorker } from '../src';

let svc: TestServices;
let queues: Queues;
let worker: Worker;
let events: QueueEvents;
let deps: OwnedWorkerDeps;
const prefix = hashTagged(`bull-t${Date.now()}`);

beforeAll(async () => {
  svc = await startTestServices();
  const cat = generateCatalog({ seed: 4, songs: 300 });
  await insertCatalog(cat);
  await insertPlayLog(generatePlayLog(cat, { seed: 2, users: 40, playsPerUser: [10, 20], clusters: 4 }));
  const p = processors.find((x) => x.job.name === Jobs.songNeighbors.name)!;
  queues = new Queues(workerConnection(), { prefix });
  deps = await createWorkerDeps({ log: svc.log, redis: svc.redis, cache: svc.cache, queues });
  worker = startWorker(p, { connection: workerConnection(), deps, prefix });
  events = new QueueEvents(p.job.queue, { connection: workerConnection(), prefix });
  await events.waitUntilReady();
});
afterAll(async () => {
  await worker?.close();
  await events?.close();
  await deps?.close();
  await queues?.close();
  await svc?.close();
});

describe('song-neighbors job', () => {
  it('is registered with an incremental and a nightly full schedule', () => {
    const p = processors.find((x) => x.job.name === 'song-neighbors')!;
    expect(p.job.queue).toBe('recommendations');
    expect(p.schedules.map((s) => s.payload)).toEqual([{ mode: 'incremental' }, { mode: 'full' }]);
  });

  it('runs through BullMQ and writes neighbour rows', async () => {
    const job = await queues.enqueue(Jobs.songNeighbors, { mode: 'full' });
    const result = (await job.waitUntilFinished(events, 120_000)) as { mode: string; rowsWritten: number };
    expect(result.mode).toBe('full');
    expect(result.rowsWritten).toBeGreaterThan(10);
    expect(await SongNeighbors.countDocuments()).toBe(result.rowsWritten);
  });

  it('rejects an invalid payload before enqueueing and fails it unretried if it arrives anyway', async () => {
    expect(() => Jobs.songNeighbors.schema.parse({ mode: 'sometimes' })).toThrow();
    const job = await queues
      .get('recommendations')
      .add('song-neighbors', { mode: 'sometimes' }, { attempts: 3 });
    await expect(job.waitUntilFinished(events, 30_000)).rejects.toThrow(/invalid payload/);
    const after = await queues.get('recommendations').getJob(job.id!);
    expect(after?.attemptsMade).toBe(1);
  });
});
