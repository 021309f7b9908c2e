// `pnpm run import --watch` (issue 15): the real CLI on the real services imports the folder, keeps
// watching it, and imports a file copied in later (once the folder is quiet), reporting the first
// one unchanged; a run per change, one JSON summary per line; SIGTERM ends it cleanly (exit 0).
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@tonearm/config';
import { createMediaDepsFromEnv, removeSong } from '@tonearm/core';
import { Song } from '@tonearm/db';
import { Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { makeTaggedFile } from '@tonearm/testing/audio-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
let svc: TestServices;
let cli: ChildProcess | null = null;
const work = mkdtempSync(join(tmpdir(), 'tonearm-import-watch-'));
const queuePrefix = `bull-watch-${uid(3)}`;

beforeAll(async () => {
  svc = await startTestServices();
}, 60_000);
afterAll(async () => {
  if (cli && cli.exitCode === null) cli.kill('SIGKILL');
  // What the CLI left: its queued transcodes (no worker ran) and the sources it stored in S3.
  const queues = new Queues(workerConnection(), { prefix: queuePrefix });
  const media = createMediaDepsFromEnv({ queues, fallbackBaseUrl: 'http://127.0.0.1:9/media/' });
  for (const s of await Song.find({}).select({ _id: 1 }).lean()) await removeSong(media, String(s._id));
  await queues
    .get('media')
    .obliterate({ force: true })
    .catch(() => {});
  await queues.close();
  queues.connection.disconnect();
  await svc?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('pnpm run import --watch', () => {
  it('imports what is added to a watched folder, then stops on SIGTERM', async () => {
    const lib = join(work, 'library', 'Watched_Album');
    const spare = join(work, 'spare');
    mkdirSync(lib, { recursive: true });
    mkdirSync(spare);
    const album = `Watched ${uid(4)}`;
    makeTaggedFile(lib, '01', 'vorbis', { title: 'First', artist: 'W', album, track: 1, seconds: 2 });
    const later = makeTaggedFile(spare, '02', 'flac', {
      title: 'Second',
      artist: 'W',
      album,
      track: 2,
      seconds: 2,
    });

    const uri = new URL(env().MONGODB_URI);
    uri.pathname = `/${svc.dbName}`;
    cli = spawn(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['scripts/import.ts', '--watch', '--json', '--no-wait', join(work, 'library')],
      {
        cwd: root,
        env: { ...process.env, MONGODB_URI: uri.toString(), TONEARM_QUEUE_PREFIX: queuePrefix },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const summaries: Record<string, unknown>[] = [];
    let buf = '';
    let stderr = '';
    cli.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        summaries.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
    });
    cli.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => cli!.once('exit', (c) => r(c)));
    const until = async (n: number) => {
      const end = Date.now() + 90_000;
      while (summaries.length < n) {
        if (Date.now() > end || cli!.exitCode !== null) throw new Error(`no summary ${n}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    await until(1);
    expect(summaries[0]).toMatchObject({ files: 1, imported: 1, skipped: [] });
    // Watching now: a file copied in is imported by a second run; the first is unchanged.
    await new Promise((r) => setTimeout(r, 500));
    copyFileSync(later, join(lib, '02.flac'));
    await until(2);
    expect(summaries[1]).toMatchObject({ files: 2, imported: 1, unchanged: 1, skipped: [] });
    const songs = await Song.find({ albumTitle: album }).sort({ trackNumber: 1 }).lean();
    expect(songs.map((s) => s.title)).toEqual(['First', 'Second']);
    expect(new Set(songs.map((s) => String(s.albumId))).size).toBe(1);

    cli.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(summaries).toHaveLength(2);
  }, 150_000);
});
