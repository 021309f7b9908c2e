// Fair to interactive users (issue 15): a library import's transcodes run below a browser upload's.
// Six tagged files are imported (their transcodes queued at the import's BullMQ priority) and one
// real transcode worker with one encoder slot starts on them; an upload made through the API while the
// import is converting starts as soon as the slot frees up: at most the one import job already running
// when the upload was queued finishes before it. Real ffmpeg, versitygw, Redis, MongoDB and BullMQ.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLibrary } from '@tonearm/core';
import { Song, type SongDoc } from '@tonearm/db';
import { cachedTrack } from '@tonearm/media';
import { makeTaggedFile } from '@tonearm/testing/audio-fixtures';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MediaHarness, startMediaHarness } from './media-harness';

let h: MediaHarness;
const work = mkdtempSync(join(tmpdir(), 'tonearm-import-priority-'));

beforeAll(async () => {
  h = await startMediaHarness({ maxDurationSec: 60 });
}, 120_000);
afterAll(async () => {
  await h?.close();
  rmSync(work, { recursive: true, force: true });
});

it('an upload made during an import transcodes as soon as the encoder slot frees up', async () => {
  const lib = join(work, 'Library', 'Slow Tones');
  mkdirSync(lib, { recursive: true });
  for (let i = 1; i <= 6; i++)
    makeTaggedFile(lib, String(i).padStart(2, '0'), 'mp3-id3v24', {
      title: `Tone ${i}`,
      artist: 'Import Queue',
      album: 'Slow Tones',
      track: i,
      hz: 300 + i * 40,
      seconds: 4,
    });
  const summary = await importLibrary({ log: h.svc.log, media: h.media }, [lib], { wait: false });
  expect(summary).toMatchObject({ audio: 6, imported: 6, skipped: [] });
  const imported = (await Song.find({ artistName: 'Import Queue' }, { _id: 1 }).lean()).map((s) =>
    String(s._id),
  );
  expect(imported).toHaveLength(6);

  // Ready order, sampled every 25 ms.
  const readyAt = new Map<string, number>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      for (const s of await Song.find({ 'media.status': 'ready' }, { _id: 1 }).lean<SongDoc[]>())
        if (!readyAt.has(String(s._id))) readyAt.set(String(s._id), Date.now());
      await new Promise((r) => setTimeout(r, 25));
    }
  })();

  h.startWorker(); // the transcode processor: one job at a time
  const until = Date.now() + 120_000;
  while (!imported.some((id) => readyAt.has(id))) {
    if (Date.now() > until) throw new Error('no import transcode finished');
    await new Promise((r) => setTimeout(r, 25));
  }
  const up = await h.upload(await cachedTrack('priority-upload', { seconds: 4 }), { title: 'Interactive' });
  await up.finalize; // the upload's transcode is queued once finalize returns
  const queuedAt = Date.now();
  const pendingThen = imported.filter((id) => !readyAt.has(id));
  expect(pendingThen.length, 'the import was still converting when the upload came').toBeGreaterThanOrEqual(
    4,
  );

  await h.waitForSong(up.songId, (s) => s.media?.status === 'ready', 120_000);
  for (const id of imported) await h.waitForSong(id, (s) => s.media?.status === 'ready', 180_000);
  await new Promise((r) => setTimeout(r, 100));
  watching = false;
  await watch;

  const uploadReady = readyAt.get(up.songId)!;
  const overtook = pendingThen.filter((id) => readyAt.get(id)! < uploadReady);
  console.log(
    `[priority] upload ready ${uploadReady - queuedAt} ms after it was queued; ${overtook.length} of ${pendingThen.length} pending import jobs finished before it`,
  );
  // Only the job that held the encoder slot when the upload was queued may finish first.
  expect(overtook.length).toBeLessThanOrEqual(1);
  expect(pendingThen.filter((id) => readyAt.get(id)! > uploadReady).length).toBeGreaterThanOrEqual(3);
}, 400_000);
