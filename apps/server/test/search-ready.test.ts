// /readyz and the embedded search index (apps/server/src/search.ts, as main.ts wires it): the process
// answers 503 with checks.search "down" while its index loads and catches up with the outbox, then
// 200; a catalog write made through the models reaches the index with no announcement call.
import { createServer, type Server } from 'node:http';
import { Artist, generateCatalog, insertCatalog, Song } from '@tonearm/db';
import { readyMedia, startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplication } from '../src/app';
import { createSearch } from '../src/search';

let svc: TestServices;
let server: Server;
let url: string;
let search: ReturnType<typeof createSearch>;

beforeAll(async () => {
  svc = await startTestServices();
  await insertCatalog(generateCatalog({ seed: 9, songs: 5_000 }));
});
afterAll(async () => {
  await search?.stop();
  server?.close();
  await svc?.close();
});

describe('readiness waits for the search index', () => {
  it('is 503 (search down) until the index has loaded and caught up, then 200', async () => {
    search = createSearch('embedded', svc.log);
    server = createServer();
    createApplication(
      server,
      { cache: svc.cache, redis: svc.redis, log: svc.log, search: search.port },
      {
        readinessChecks: { search: search.ready },
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const first = await fetch(`${url}/readyz`);
    expect(first.status).toBe(503);
    expect(((await first.json()) as { checks: Record<string, string> }).checks.search).toBe('down');
    const t0 = Date.now();
    for (;;) {
      const r = await fetch(`${url}/readyz`);
      if (r.status === 200) {
        expect(((await r.json()) as { checks: Record<string, string> }).checks.search).toBe('ok');
        break;
      }
      if (Date.now() - t0 > 60_000) throw new Error('never ready');
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(search.port.engine).toBe('embedded');
  });

  it('a song created afterwards is searchable through the process’s port', async () => {
    const artist = await Artist.findOne({ name: 'Björk' }).lean();
    const song = await Song.create({
      title: 'Gossamer Tramline',
      artistId: artist!._id,
      artistName: artist!.name,
      media: readyMedia('songs/gossamer/hls/v1/'),
    });
    const t0 = Date.now();
    for (;;) {
      const res = await search.port.search({ q: 'gossamer tramline', kinds: ['song'] });
      if (res.songs.some((s) => s.id === String(song._id))) break;
      if (Date.now() - t0 > 10_000) throw new Error('not found within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
