// The example client against a real standalone server, and the type-level proof that renaming a
// procedure's output field breaks the example's typecheck where it reads that field.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { seedSkeleton } from '@tonearm/db';
import { createApplication } from '@tonearm/server';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RENAME_SONG_TITLE,
  runTsc,
  typecheckAgainstMutatedApi,
} from '../../../tooling/typetest/break-router';
import { albumTrackTitles, topSongLines } from '../src/client';

const example = join(import.meta.dirname, '..');

describe('example client', () => {
  let svc: TestServices;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    svc = await startTestServices();
    await seedSkeleton();
    server = createServer();
    createApplication(server, { cache: svc.cache, redis: svc.redis, log: svc.log });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    server?.close();
    await svc?.close();
  });

  it('calls the running server', async () => {
    const lines = await topSongLines({ url }, 3);
    expect(lines[0]).toBe('Tití Me Preguntó — Bad Bunny (3:00)');
    const top = await (await fetch(`${url}/trpc/song.top?input=${encodeURIComponent('{"limit":1}')}`)).json();
    const albumId = (top as { result: { data: { albumId: string }[] } }).result.data[0]!.albumId;
    expect(await albumTrackTitles({ url }, albumId)).toEqual(['Tití Me Preguntó', 'Me Porto Bonito']);
  });
});

describe('example client typecheck follows the AppRouter type', () => {
  it('passes against the real router', () => {
    const r = runTsc(join(example, 'tsconfig.json'));
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  }, 180_000);

  it('fails where the client reads a renamed output field', () => {
    const r = typecheckAgainstMutatedApi(example, ...RENAME_SONG_TITLE);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/src\/client\.ts.*title/);
  }, 180_000);
});
