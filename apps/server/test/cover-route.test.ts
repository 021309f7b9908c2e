// The public /covers/ route on the real local S3: serves exactly the cover job's key shape, with
// immutable caching and the right type; traversal, other prefixes, cover sources, odd sizes and
// methods are 404 whatever the bucket holds.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadServicesEnv } from '@tonearm/config';
import { S3Storage } from '@tonearm/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverKeyOf, coverRoute } from '../src/cover-route';

let server: Server;
let base: string;
const id = 'abcdefabcdefabcdefabcdef';
const hash = '0123456789ab';
const good = `covers/album/${id}/${hash}/300.webp`;
const avatar = `covers/user/${id}/${hash}/64.jpg`;

beforeAll(async () => {
  loadServicesEnv();
  const storage = new S3Storage();
  await storage.ensureBucket();
  await storage.putBytes(good, new Uint8Array([82, 73, 70, 70, 1, 2, 3]), 'image/webp');
  await storage.putBytes(`uploads/${id}/source.mp3`, 'secret source', 'audio/mpeg');
  await storage.putBytes(`covers/source/album/${id}/${hash}.png`, 'original', 'image/png');
  await storage.putBytes(avatar, new Uint8Array([255, 216, 255]), 'image/jpeg');
  await storage.putBytes(`avatars/${id}/src-abcdefgh`, 'secret original', 'image/png');
  const route = coverRoute(storage);
  server = createServer((req, res) => void route.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('/covers/', () => {
  it('serves a processed cover with its type and immutable caching', async () => {
    const r = await fetch(`${base}/${good}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/webp');
    expect(r.headers.get('cache-control')).toContain('immutable');
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(new Uint8Array([82, 73, 70, 70, 1, 2, 3]));
  });

  it('serves a resized avatar (kind user) the same way', async () => {
    const r = await fetch(`${base}/${avatar}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/jpeg');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(new Uint8Array([255, 216, 255]));
  });

  it.each([
    `/covers/../uploads/${id}/source.mp3`,
    `/covers/../avatars/${id}/src-abcdefgh`,
    `/avatars/${id}/src-abcdefgh`,
    `/covers/user/${id}/${hash}/64.jpg/../../../../../avatars/${id}/src-abcdefgh`,
    `/covers/user/${id}/src-abcdefgh`,
    `/covers/users/${id}/${hash}/64.jpg`,
    `/covers/%2e%2e/uploads/${id}/source.mp3`,
    `/covers/source/album/${id}/${hash}.png`,
    `/covers/album/${id}/${hash}/301.webp`,
    `/covers/album/${id}/${hash}/300.svg`,
    `/covers/album/${id.toUpperCase()}/${hash}/300.webp`,
    `/covers/album/${id}/${hash}/300.webp/../../../../uploads/${id}/source.mp3`,
    `/covers/album/${id}/${hash}/640.webp`, // right shape, not in the bucket
  ])('404 for %s', async (path) => {
    const r = await fetch(`${base}${path}`);
    expect(r.status).toBe(404);
    expect(await r.text()).not.toContain('secret');
  });

  it('only GET and HEAD', async () => {
    expect((await fetch(`${base}/${good}`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${base}/${good}`, { method: 'HEAD' })).status).toBe(200);
    expect(coverKeyOf(`/${good}?x=1`)).toBe(good);
  });
});
