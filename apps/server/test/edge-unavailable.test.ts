// The media edge while S3 is away: a signed GET answers 503 with Retry-After (the client may retry),
// not 500 (found by `pnpm drill s3`, where every edge GET answered 500 during the outage). A stored
// object still answers 200 from the real S3, and a missing one 404, so the test can tell them apart.
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { MediaSigner, S3Storage, signerConfigFromEnv, storageConfigFromEnv } from '@tonearm/media';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApplication } from '../src/app';
import { mediaEdgeRoute } from '../src/media-edge';

let svc: TestServices;
const servers: Server[] = [];

async function edgeOver(storage: S3Storage): Promise<string> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const edge = mediaEdgeRoute(storage, svc.log, []);
  if (!edge) throw new Error('CLOUDFRONT_PUBLIC_KEY_FILE is not set (run scripts/services.sh up)');
  createApplication(server, { cache: svc.cache, redis: svc.redis, log: svc.log }, { routes: [edge] });
  return url;
}

/** A loopback port nothing listens on: connections are refused, like a stopped S3. */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  await new Promise((r) => s.close(r));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

beforeAll(async () => {
  svc = await startTestServices();
});
afterAll(async () => {
  for (const s of servers) s.close();
  await svc?.close();
});

it('answers 503 with Retry-After for a signed GET while S3 refuses connections', async () => {
  const prefix = `songs/${uid()}/hls/v1/`;
  const up = new S3Storage();
  await up.ensureBucket();
  await up.putBytes(`${prefix}master.m3u8`, '#EXTM3U\n', 'application/vnd.apple.mpegurl');
  const down = new S3Storage({
    ...storageConfigFromEnv(),
    endpoint: `http://127.0.0.1:${await closedPort()}`,
  });

  for (const [storage, expected] of [
    [up, 200],
    [down, 503],
  ] as const) {
    const base = await edgeOver(storage);
    const grant = new MediaSigner(signerConfigFromEnv(`${base}/media/`)).grantPrefix(prefix, 300);
    const res = await fetch(`${base}/media/${prefix}master.m3u8?${grant.query}`);
    expect(res.status).toBe(expected);
    if (expected === 503) {
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.text()).toBe('{"error":"unavailable"}');
    }
    const missing = await fetch(`${base}/media/${prefix}nope.m4s?${grant.query}`);
    expect(missing.status).toBe(expected === 200 ? 404 : 503);
  }
}, 60_000);
