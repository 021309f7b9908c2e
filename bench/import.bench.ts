// `pnpm bench import [--limit N]`: library import throughput on the wesnoth-1.16-music folder (41 Ogg
// Vorbis tracks, 2 h 8 min) beside transcoding the same files alone, in the same run. Baseline: each
// file put in S3 and run through core's runTranscode (what the worker runs), one after another.
// Target: `importLibrary` end to end (scan, hash, probe, tags, albums/artists, S3, BullMQ job with a
// worker in this process, covers, waiting for ready). Overhead = target wall time / baseline − 1.
// The full folder takes a long time on 2 cores: `--limit N` (or IMPORT_BENCH_LIMIT) takes the first N.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@tonearm/config';
import { createMediaDepsFromEnv, importLibrary, readTrackFile, runTranscode } from '@tonearm/core';
import { connectDb, disconnectDb, mongoose, Song, syncIndexes } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { Queues, workerConnection } from '@tonearm/queue';
import { createWorkerDeps, processors, startWorkers } from '@tonearm/workers';
import type { Harness } from './harness';

const WESNOTH = '/usr/share/games/wesnoth/1.16/data/core/music';

function limitArg(): number | undefined {
  const i = process.argv.indexOf('--limit');
  const v = i >= 0 ? process.argv[i + 1] : process.env.IMPORT_BENCH_LIMIT;
  return v ? Number(v) : undefined;
}

export default async function bench(h: Harness) {
  const cfg = env();
  const limit = limitArg();
  const all = readdirSync(WESNOTH)
    .filter((f) => f.endsWith('.ogg'))
    .sort();
  const files = limit ? all.slice(0, limit) : all;
  // The sample as a folder of its own (the import takes folders; the baseline the same files).
  const dir = mkdtempSync(join(tmpdir(), 'tonearm-import-bench-'));
  mkdirSync(join(dir, 'music'));
  for (const f of files) copyFileSync(join(WESNOTH, f), join(dir, 'music', f));
  const log = createLogger('bench', 'warn');
  const prefix = `bull-bench-import-${Date.now()}`;
  const queues = new Queues(workerConnection(), { prefix });
  const media = createMediaDepsFromEnv({ queues, fallbackBaseUrl: 'http://127.0.0.1:9/media/' });
  await media.storage.ensureBucket();
  const deps = await createWorkerDeps({ log, media });
  const base = new URL(cfg.MONGODB_URI);
  const db = async (name: string) => {
    await disconnectDb().catch(() => {});
    base.pathname = `/${name}`;
    await connectDb(base.toString());
    await syncIndexes();
  };

  let audioSec = 0;
  // Baseline: transcode only.
  await db(`bench_import_base_${Date.now()}`);
  const t0 = performance.now();
  for (const f of files) {
    const path = join(dir, 'music', f);
    const t = await readTrackFile(path);
    audioSec += t.durationSec;
    const song = await Song.create({
      title: t.tags.title,
      artistId: new mongoose.Types.ObjectId(),
      artistName: 'x',
      durationSec: t.durationSec,
    });
    const sourceKey = `uploads/${song._id}/source.ogg`;
    await media.storage.putFile(sourceKey, path, 'audio/ogg');
    const out = await runTranscode(
      media,
      { songId: String(song._id), sourceKey },
      { attemptsMade: 0, isFinal: true, log, coder: cfg.MEDIA_AAC_CODER },
    );
    if (out.status !== 'ready') throw new Error(`baseline transcode of ${f}: ${JSON.stringify(out)}`);
  }
  const baseMs = performance.now() - t0;
  await mongoose.connection.db?.dropDatabase();

  // Target: the import, through BullMQ and a worker in this process.
  await db(`bench_import_${Date.now()}`);
  const pool = startWorkers({
    processors: processors.filter((p) => ['media', 'media-cleanup', 'covers'].includes(p.job.queue)),
    connection: () => workerConnection(),
    deps,
    prefix,
  });
  const t1 = performance.now();
  const summary = await importLibrary({ log, media }, [join(dir, 'music')], {});
  const importMs = performance.now() - t1;
  await pool.close();
  if (summary.ready !== files.length) throw new Error(`import: ${JSON.stringify(summary)}`);
  // A second run of the same folder: everything unchanged, nothing transcoded.
  const t2 = performance.now();
  const again = await importLibrary({ log, media }, [join(dir, 'music')], {});
  const rescanMs = performance.now() - t2;
  await mongoose.connection.db?.dropDatabase();
  for (const q of ['media', 'media-cleanup', 'covers', 'album-loudness'])
    await queues.get(q).obliterate({ force: true });
  await deps.close();
  await queues.close();
  await disconnectDb();
  rmSync(dir, { recursive: true, force: true });

  const perMin = (ms: number) => files.length / (ms / 60_000);
  h.record({
    name: `import ${files.length} wesnoth tracks (${Math.round(audioSec / 60)} min of audio)`,
    figures: {
      'import tracks/min': perMin(importMs),
      'import ×realtime': audioSec / (importMs / 1000),
      'transcode-only tracks/min': perMin(baseMs),
      'transcode-only ×realtime': audioSec / (baseMs / 1000),
      'overhead %': (importMs / baseMs - 1) * 100,
      'second run (all unchanged) ms': Math.round(rescanMs),
      unchanged: again.unchanged,
    },
    note: 'target ≤10% overhead; baseline = runTranscode per file, sequential, same files, same run',
  });
}
