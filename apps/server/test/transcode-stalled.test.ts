// A transcode job that stalls more often than BullMQ allows is failed by BullMQ itself, without the job
// body ever running its catch: the song used to stay `transcoding` forever with its staging objects in
// S3. The worker runtime's final-failure hook now enqueues transcode.failed, which marks the song failed
// with the reason and deletes every unpublished ladder (found by `pnpm drill worker`).
import { randomUUID } from 'node:crypto';
import { Song, type SongDoc, Types } from '@tonearm/db';
import { Jobs, workerConnection } from '@tonearm/queue';
import { uid } from '@tonearm/testing';
import { processors, startWorkers, type WorkerPool } from '@tonearm/workers';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MediaHarness, startMediaHarness } from './media-harness';

let h: MediaHarness;
let pool: WorkerPool | undefined;
beforeAll(async () => {
  h = await startMediaHarness();
}, 120_000);
afterAll(async () => {
  await pool?.close();
  await h?.close();
});

it('a transcode that stalled past the limit ends failed with a reason and no staging objects', async () => {
  const song = await Song.create({
    title: 'Stalls twice',
    artistId: new Types.ObjectId(),
    artistName: 'Test Artist',
    uploaderId: h.userId,
    media: { status: 'transcoding', progress: 0.4, sourceKey: `uploads/${uid()}/source.mp3` },
  });
  const songId = String(song._id);
  // What a killed attempt leaves: part of a ladder in a staging prefix.
  await h.media.storage.putBytes(
    `songs/${songId}/hls/vkilled/64k/seg_000.m4s`,
    Buffer.alloc(100),
    'video/iso.segment',
  );
  await h.media.queues.enqueue(
    Jobs.transcode,
    { songId, sourceKey: song.media!.sourceKey! },
    { jobId: `transcode-${songId}` },
  );

  // A worker takes the job and dies: a manual BullMQ worker never renews its 300 ms lock.
  const dying = new Worker('media', null, {
    connection: workerConnection(),
    prefix: h.bullPrefix,
    lockDuration: 300,
  });
  const taken = await dying.getNextJob(randomUUID());
  expect(taken?.id).toBe(`transcode-${songId}`);
  await dying.close(true);

  // The real worker runtime, with stall detection shortened and no stall allowed: the same path as
  // a job whose workers were killed twice under the defaults (stalledCount > maxStalledCount).
  pool = startWorkers({
    processors,
    connection: () => workerConnection(),
    deps: h.workerDeps,
    prefix: h.bullPrefix,
    stalls: { stalledInterval: 500, maxStalledCount: 0 },
  });
  const failed = await h.waitForSong(songId, (s) => s.media?.status === 'failed', 60_000);
  expect(failed.media!.error).toBe('job stalled more than allowable limit');
  // The cleanup job has run once the song is failed and the staging prefix is gone.
  const until = Date.now() + 30_000;
  while ((await h.media.storage.list(`songs/${songId}/`)).length > 0 && Date.now() < until)
    await new Promise((r) => setTimeout(r, 200));
  expect(await h.media.storage.list(`songs/${songId}/`)).toEqual([]);
  const job = await h.media.queues.get('media').getJob(`transcode-${songId}`);
  expect(await job?.getState()).toBe('failed');
  // The job body never ran (it would have failed on the missing source instead).
  expect(job?.failedReason).toBe('job stalled more than allowable limit');
  const last = h.events.filter((e) => e.data.songId === songId).at(-1);
  expect(last?.data).toMatchObject({ status: 'failed', error: 'job stalled more than allowable limit' });
  expect((await Song.findById(songId).lean<SongDoc>())!.media!.status).toBe('failed');
}, 120_000);
