// The album loudness job end to end through BullMQ: enqueued as the transcode job enqueues it,
// consumed by a Worker running the registered processor over real S3 sources and ffmpeg; the album
// gets its EBU R128 loudness, and a duplicate job measures nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMediaDepsFromEnv, enqueueAlbumLoudness, type MediaDeps } from '@tonearm/core';
import { Album, Artist, Song, Types } from '@tonearm/db';
import { hashTagged, Jobs, Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, TEST_RENDITIONS, type TestServices } from '@tonearm/testing';
import { QueueEvents, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerDeps, type OwnedWorkerDeps, processors, startWorker } from '../src';

let svc: TestServices;
let queues: Queues;
let worker: Worker;
let events: QueueEvents;
let media: MediaDeps;
let deps: OwnedWorkerDeps;
const prefix = hashTagged(`bull-t${Date.now()}`);
const work = mkdtempSync(join(tmpdir(), 'tonearm-album-job-'));

beforeAll(async () => {
  svc = await startTestServices();
  queues = new Queues(workerConnection(), { prefix });
  media = createMediaDepsFromEnv({ queues, fallbackBaseUrl: 'http://127.0.0.1:9/media/' });
  await media.storage.ensureBucket();
  deps = await createWorkerDeps({ log: svc.log, redis: svc.redis, cache: svc.cache, media });
  const p = processors.find((x) => x.job.name === Jobs.albumLoudness.name)!;
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
  rmSync(work, { recursive: true, force: true });
});

function tone(name: string, dbfs: number): string {
  const out = join(work, `${name}.mp3`);
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100:duration=4',
    '-af',
    `volume=${dbfs}dB`,
    '-ac',
    '2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '192k',
    out,
  ]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return out;
}

describe('album loudness job', () => {
  it('runs through BullMQ, stores the album loudness, and a duplicate job measures nothing', async () => {
    const artist = await Artist.create({ name: 'Job Artist' });
    const album = await Album.create({ title: 'Job Album', artistId: artist._id, artistName: artist.name });
    const ids: string[] = [];
    for (const [i, db] of [-6, -12].entries()) {
      const _id = new Types.ObjectId();
      const sourceKey = `uploads/${_id}/source.mp3`;
      await media.storage.putFile(sourceKey, tone(`t${i}`, db), 'audio/mpeg');
      await Song.create({
        _id,
        title: `Part ${i + 1}`,
        artistId: artist._id,
        artistName: artist.name,
        albumId: album._id,
        trackNumber: i + 1,
        media: { status: 'ready', sourceKey, hlsPrefix: `songs/${_id}/hls/v1/`, renditions: TEST_RENDITIONS },
      });
      ids.push(String(_id));
    }
    const albumId = String(album._id);
    await enqueueAlbumLoudness(media, albumId, ids[1]!, `songs/${ids[1]}/hls/v1/`);
    const [job] = await queues.get(Jobs.albumLoudness.queue).getJobs(['waiting', 'active', 'completed']);
    const result = (await job!.waitUntilFinished(events, 60_000)) as { status: string; tracks: number };
    expect(result).toMatchObject({ status: 'updated', tracks: 2 });
    const stored = await Album.findById(albumId).lean();
    expect(stored!.loudnessLufs).toBeLessThan(-10);
    expect(stored!.truePeakDb).toBeLessThan(-20);
    // The first track's own enqueue (its publish came first) finds the album measured.
    await enqueueAlbumLoudness(media, albumId, ids[0]!, `songs/${ids[0]}/hls/v1/`);
    const again = (await queues
      .get(Jobs.albumLoudness.queue)
      .getJob(`album-loudness-${albumId}-${ids[0]}-v1`))!;
    expect(await again.waitUntilFinished(events, 60_000)).toMatchObject({ status: 'unchanged' });
  }, 90_000);
});
