// `pnpm import <path...>`: imports music folders and files on the server host into the library (core's
// importLibrary). Scripts call it with --json and get exactly one summary object on stdout (logs go to
// stderr); people get a live progress bar on a TTY, plain progress lines otherwise. Exit code 0 when
// the run finished (skipped files included), 1 on a usage or service error.
//
// usage: pnpm import [--dry-run] [--json] [--concurrency N] [--priority P] [--limit N] [--no-wait]
//                    [--worker] <path...>
//   --dry-run      read and group everything, write nothing (counts as if imported)
//   --json         print only the summary object
//   --concurrency  files read and stored at once (default TONEARM_IMPORT_CONCURRENCY or 2)
//   --priority     BullMQ priority of the transcodes (default 100; uploads carry none and go first)
//   --limit N      only the first N files found
//   --no-wait      return once everything is queued (a worker transcodes later)
//   --worker       also run the transcode and cover workers in this process (no worker running)
//   --watch        after the first run, keep watching the folders and import what changes (until
//                  Ctrl-C); with --json, one summary object per run, one per line
import { parseArgs } from 'node:util';
import { env, rawEnv } from '@tonearm/config';
import {
  createMediaDepsFromEnv,
  IMPORT_PRIORITY,
  type ImportProgress,
  importLibrary,
  watchLibrary,
} from '@tonearm/core';
import { connectDb, disconnectDb, syncIndexes } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { producerConnection, QUEUE_PREFIX, Queues, workerConnection } from '@tonearm/queue';

const usage =
  'usage: pnpm import [--dry-run] [--json] [--concurrency N] [--priority P] [--limit N] [--no-wait] [--worker] [--watch] <path...>';
let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      priority: { type: 'string' },
      limit: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      worker: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(1);
}
const { values: args, positionals } = parsed;
if (args.help || positionals.length === 0) {
  (args.help ? console.log : console.error)(usage);
  process.exit(args.help ? 0 : 1);
}
const int = (name: string, v: string | undefined, dflt: number, min: number, max: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be an integer from ${min} to ${max}\n${usage}`);
    process.exit(1);
  }
  return n;
};
const concurrency = int(
  'concurrency',
  args.concurrency,
  Number(rawEnv('TONEARM_IMPORT_CONCURRENCY') ?? 2),
  1,
  32,
);
const priority = int('priority', args.priority, IMPORT_PRIORITY, 1, 2_000_000);
const limit = args.limit === undefined ? undefined : int('limit', args.limit, 0, 0, 10_000_000);

// Logs to stderr, so stdout carries only the summary (--json) or the progress.
const log = createLogger('import', args.json ? 'warn' : (rawEnv('LOG_LEVEL') ?? 'warn'), process.stderr);
const cfg = env();
await connectDb(cfg.MONGODB_URI);
await syncIndexes();
const queues = args['dry-run'] ? null : new Queues(producerConnection());
const media = queues
  ? createMediaDepsFromEnv({ queues, fallbackBaseUrl: `http://127.0.0.1:${cfg.SERVER_PORT}/media/` })
  : undefined;
if (media) await media.storage.ensureBucket();

let stopWorkers: (() => Promise<void>) | null = null;
if (args.worker && media) {
  const w = await import('@tonearm/workers');
  const deps = await w.createWorkerDeps({ log, media });
  const pool = w.startWorkers({
    processors: w.processors.filter((p) =>
      ['media', 'media-cleanup', 'covers', 'album-loudness'].includes(p.job.queue),
    ),
    connection: () => workerConnection(),
    deps,
    prefix: QUEUE_PREFIX,
  });
  stopWorkers = async () => {
    await pool.close();
    await deps.close();
  };
}

const tty = !args.json && process.stdout.isTTY;
const fmtDur = (sec: number) => {
  if (!Number.isFinite(sec) || sec < 0) return '–';
  const m = Math.floor(sec / 60);
  return m ? `${m}m${String(Math.round(sec % 60)).padStart(2, '0')}s` : `${Math.round(sec)}s`;
};
let transcodeStart = 0;
const line = (p: ImportProgress) => {
  if (p.phase === 'transcoding' && !transcodeStart) transcodeStart = Date.now();
  const done = p.phase === 'transcoding' || p.phase === 'done' ? p.ready + p.failed : p.scanned;
  const total = p.phase === 'transcoding' || p.phase === 'done' ? p.queued : p.files;
  let eta = '–';
  if (transcodeStart && p.readySec > 0) {
    const rate = p.readySec / ((Date.now() - transcodeStart) / 1000);
    eta = fmtDur((p.queuedSec - p.readySec) / rate);
  }
  const frac = total ? done / total : 0;
  const bar = `${'#'.repeat(Math.round(frac * 20))}${'-'.repeat(20 - Math.round(frac * 20))}`;
  return `[${bar}] ${p.phase.padEnd(11)} scanned ${p.scanned}/${p.files} · queued ${p.queued} · ready ${p.ready} · failed ${p.failed} · ETA ${eta}`;
};
let lastPlain = 0;
let lastPhase = '';
const onProgress = (p: ImportProgress) => {
  if (args.json) return;
  if (tty) {
    process.stdout.write(`\r${line(p)}\u001b[K`);
    return;
  }
  if (p.phase !== lastPhase || Date.now() - lastPlain > 2_000) {
    lastPhase = p.phase;
    lastPlain = Date.now();
    console.log(`[import] ${line(p)}`);
  }
};

const runOnce = async () => {
  const summary = await importLibrary({ log, media }, positionals, {
    dryRun: args['dry-run'],
    concurrency,
    priority,
    limit,
    wait: !args['no-wait'],
    onProgress,
  });
  if (tty) process.stdout.write('\n');
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    console.log(
      `[import] ${summary.dryRun ? 'dry run: ' : ''}${summary.files} files, ${summary.audio} audio (${fmtDur(summary.durationSec)}): ` +
        `${summary.imported} imported, ${summary.updated} updated (${summary.moved} moved), ${summary.unchanged} unchanged, ` +
        `${summary.duplicates} duplicates, ${summary.skipped.length} skipped; ${summary.albums} albums, ${summary.artists} artists` +
        (summary.dryRun ? '' : `; ${summary.ready} ready, ${summary.failed} failed`),
    );
    for (const s of summary.skipped) console.log(`  skipped ${s.path}: ${s.reason}`);
  }
};

let code = 0;
try {
  await runOnce();
  if (args.watch) {
    const watcher = await watchLibrary(positionals, runOnce, {
      onError: (e) => console.error(`[import] a run failed: ${(e as Error).message}`),
    });
    if (!args.json) console.log(`[import] watching ${positionals.join(', ')} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await watcher.close();
  }
} catch (e) {
  console.error(`[import] failed: ${(e as Error).message}`);
  code = 1;
} finally {
  await stopWorkers?.();
  await queues?.close();
  queues?.connection.disconnect();
  await disconnectDb();
}
process.exit(code);
