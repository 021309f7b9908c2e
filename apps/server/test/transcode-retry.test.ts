// A worker killed with SIGKILL in the middle of a transcode: the stalled job is retried by another
// worker, the song ends ready with exactly one published ladder, and it is never half-published.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@tonearm/config';
import type { SongDoc } from '@tonearm/db';
import { cachedTrack, verifyStoredLadder } from '@tonearm/media';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MediaHarness, startMediaHarness } from './media-harness';

let h: MediaHarness;
beforeAll(async () => {
  h = await startMediaHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

it('a worker killed mid-transcode: the job is retried and the song ends ready, never half-published', async () => {
  // 90 s: the ladder encodes a 30 s track in about a second on an idle machine, too short a window
  // for the 100 ms poll below to catch it between 15% and 85%.
  const source = await cachedTrack('retry', { seconds: 90 });
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'transcode-worker.ts'), h.bullPrefix],
    {
      cwd: repoRoot(),
      detached: true, // its own process group: the kill takes its ffmpeg children too
      env: { ...process.env, MONGODB_URI: h.svc.mongoUri, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let childOut = '';
  child.stdout.on('data', (c) => (childOut += c));
  child.stderr.on('data', (c) => (childOut += c));
  const exited = new Promise((r) => child.once('exit', r));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not start: ${childOut}`)), 60_000);
    child.stdout.on('data', () => {
      if (childOut.includes('worker ready')) {
        clearTimeout(t);
        resolve();
      }
    });
  });

  const { songId, finalize } = await h.upload(source, { title: 'Killed once' });
  await finalize;
  // Mid-transcode: the encoders are running (progress between decode and upload).
  const mid = await h.waitForSong(
    songId,
    (s) => s.media?.status === 'transcoding' && (s.media.progress ?? 0) >= 0.15,
    120_000,
  );
  expect(mid.media!.progress).toBeLessThan(0.85);
  process.kill(-child.pid!, 'SIGKILL');
  await exited;

  // A worker killed while uploading would leave a partial, unpublished ladder: simulate one.
  const stale = `songs/${songId}/hls/vkilled/`;
  await h.media.storage.putBytes(`${stale}64k/seg_000.m4s`, Buffer.alloc(100), 'video/iso.segment');

  const seen: string[] = [];
  const watch = setInterval(async () => {
    const { Song } = await import('@tonearm/db');
    const s = await Song.findById(songId).lean<SongDoc>();
    if (s?.media?.status) seen.push(s.media.status);
    if (s?.media?.status === 'ready') {
      // Whenever the song reads ready, its whole ladder is there.
      await verifyStoredLadder(h.media.storage, s.media.hlsPrefix!).catch((e) => seen.push(`BROKEN ${e}`));
    }
  }, 150);
  const worker = h.startWorker({ stalledInterval: 1_000 });
  const song = await h.waitForSong(
    songId,
    (s) => ['ready', 'failed'].includes(s.media?.status ?? ''),
    180_000,
  );
  clearInterval(watch);
  expect(song.media!.status).toBe('ready');
  expect(seen.filter((s) => s.startsWith('BROKEN'))).toEqual([]);
  expect(seen).not.toContain('failed');
  expect(await h.media.storage.listPrefixes(`songs/${songId}/hls/`)).toEqual([song.media!.hlsPrefix]);
  await verifyStoredLadder(h.media.storage, song.media!.hlsPrefix!);
  const done = await h.media.queues.get('media').getJob(`transcode-${songId}`);
  // Two starts: the killed one and the retry by the second worker.
  expect(done?.attemptsStarted ?? 0).toBeGreaterThanOrEqual(2);
  expect(await worker.isRunning()).toBe(true);
}, 400_000);
