// The admin page of imports (issue 15): imports.list shows each `pnpm import` run from its ImportRun
// record with live progress: a run waiting on its transcodes is running at half way, and done with
// its counts once the worker finished them; a run whose process died is reported stalled. Admins only.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@tonearm/api';
import { signedInUser } from '@tonearm/api/testing';
import { importLibrary } from '@tonearm/core';
import { ImportRun } from '@tonearm/db';
import { uid } from '@tonearm/testing';
import { makeTaggedFile } from '@tonearm/testing/audio-fixtures';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaHarness, startMediaHarness } from './media-harness';

let h: MediaHarness;
let admin: ReturnType<typeof createTRPCClient<AppRouter>>;
const work = mkdtempSync(join(tmpdir(), 'tonearm-admin-imports-'));

beforeAll(async () => {
  h = await startMediaHarness({ maxDurationSec: 60 });
  const { cookie } = await signedInUser(h.svc.redis, { role: 'admin' });
  admin = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${h.url}/trpc`, headers: { cookie } })],
  });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('imports.list', () => {
  it('is for admins only', async () => {
    const err = (await h.client.imports.list.query({ limit: 5 }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/Admins only/);
    const anon = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${h.url}/trpc` })] });
    const err2 = (await anon.imports.list.query({ limit: 5 }).catch((e: unknown) => e)) as {
      data?: { httpStatus?: number };
    };
    expect(err2.data?.httpStatus).toBe(401);
  });

  it('shows a running import with its progress, then done with its counts', async () => {
    const folder = join(work, 'Admin_Album');
    mkdirSync(folder);
    const album = `Admin Album ${uid(4)}`;
    makeTaggedFile(folder, '01', 'flac', { title: 'A', artist: 'X', album, track: 1, seconds: 2 });
    makeTaggedFile(folder, '02', 'vorbis', { title: 'B', artist: 'X', album, track: 2, seconds: 2 });
    writeFileSync(join(folder, 'notes.flac'), 'not music\n'.repeat(20));

    // No worker yet: the run reads its files, queues two transcodes and waits on them.
    const running = importLibrary({ log: h.svc.log, media: h.media }, [folder], { waitTimeoutMs: 90_000 });
    let seen: Awaited<ReturnType<typeof admin.imports.list.query>>[number] | undefined;
    for (let i = 0; i < 200 && !seen; i++) {
      const runs = await admin.imports.list.query({ limit: 5 });
      seen = runs.find((r) => r.paths.includes(folder) && r.status === 'transcoding');
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toMatchObject({
      running: true,
      stalled: false,
      source: 'cli',
      files: 3,
      audio: 2,
      imported: 2,
      skipped: 1,
      queued: 2,
      ready: 0,
      progress: 0.5,
      finishedAt: null,
    });

    h.startWorker();
    const summary = await running;
    expect(summary).toMatchObject({ imported: 2, ready: 2 });
    const [latest] = (await admin.imports.list.query({ limit: 5 })).filter((r) => r.paths.includes(folder));
    expect(latest).toMatchObject({
      id: seen!.id,
      status: 'done',
      running: false,
      ready: 2,
      failed: 0,
      progress: 1,
    });
    expect(Date.parse(latest!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(latest!.startedAt));
  }, 120_000);

  it('reports a run whose process stopped as stalled', async () => {
    const old = new Date(Date.now() - 3_600_000);
    const { insertedId } = await ImportRun.collection.insertOne({
      status: 'importing',
      source: 'cli',
      paths: ['/music/stopped'],
      files: 10,
      scanned: 4,
      createdAt: old,
      updatedAt: old,
    });
    const run = (await admin.imports.list.query({ limit: 100 })).find((r) => r.id === String(insertedId));
    expect(run).toMatchObject({
      status: 'importing',
      running: true,
      stalled: true,
      progress: 0.2,
      queued: 0,
    });
  });
});
