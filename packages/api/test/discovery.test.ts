// The search and discovery procedures through the router: Zod on input and output, the embedded
// adapter behind search.catalog, and discovery.moreLikeThis's exclusion rules.
import { EmbeddedSearchIndex, refreshSongNeighbors, SearchSync } from '@tonearm/core';
import { generateCatalog, generatePlayLog, insertCatalog, insertPlayLog, Song } from '@tonearm/db';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller, createTRPCContext } from '../src';

let svc: TestServices;
let sync: SearchSync;
let caller: ReturnType<typeof createCaller>;

beforeAll(async () => {
  svc = await startTestServices();
  const cat = generateCatalog({ seed: 12, songs: 300 });
  await insertCatalog(cat);
  await insertPlayLog(generatePlayLog(cat, { seed: 5, users: 40, playsPerUser: [10, 20], clusters: 4 }));
  sync = new SearchSync(new EmbeddedSearchIndex(), { log: svc.log });
  await sync.start();
  const deps = { cache: svc.cache, redis: svc.redis, log: svc.log, search: sync.index };
  await refreshSongNeighbors(deps, { mode: 'full', now: new Date('2026-12-31') });
  caller = createCaller(await createTRPCContext({ deps, headers: new Headers() }));
});
afterAll(async () => {
  await sync?.stop();
  await svc?.close();
});

describe('search.catalog', () => {
  it('returns grouped, highlighted results', async () => {
    const r = await caller.search.catalog({ q: 'Bad Bony', limit: 3 });
    expect(r.engine).toBe('embedded');
    expect(r.artists[0]?.name).toBe('Bad Bunny');
    expect(r.artists[0]?.highlights.name).toEqual([
      [0, 3],
      [4, 9],
    ]);
    expect(r.songs.length).toBeGreaterThan(0);
  });

  it('validates input strictly', async () => {
    await expect(caller.search.catalog({ q: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.search.catalog({ q: 'x', limit: 500 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    // biome-ignore lint/suspicious/noExplicitAny: an unknown key on purpose
    await expect(caller.search.catalog({ q: 'x', $where: '1' } as any)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('discovery.moreLikeThis', () => {
  it('never returns the song itself or an unplayable song', async () => {
    const song = await Song.findOne({ title: 'Hells Bells' }).lean();
    const id = String(song!._id);
    const first = await caller.discovery.moreLikeThis({ songId: id, limit: 10 });
    expect(first).toHaveLength(10);
    expect(first.map((s) => s.id)).not.toContain(id);
    await Song.updateOne({ _id: first[0]!.id }, { $set: { 'media.status': 'transcoding' } });
    const again = await caller.discovery.moreLikeThis({ songId: id, limit: 10 });
    expect(again.map((s) => s.id)).not.toContain(first[0]!.id);
    expect(again.every((s) => s.status === 'ready')).toBe(true);
  });

  it('rejects a malformed id and 404s an unknown one', async () => {
    await expect(caller.discovery.moreLikeThis({ songId: 'nope' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.discovery.moreLikeThis({ songId: 'a'.repeat(24) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
