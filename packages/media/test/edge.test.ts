// The dev edge against the real local S3 (versitygw): it serves an object only when the CloudFront
// signature verifies (cookies or URL parameters, custom or canned policy), else 403.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaEdge } from '../src/edge';
import { MediaSigner } from '../src/signer';
import { S3Storage } from '../src/storage';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const run = randomBytes(4).toString('hex');
const A = `songs/edge${run}a/hls/v1/`;
const B = `songs/edge${run}b/hls/v1/`;
const SEGMENT = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

let storage: S3Storage;
let server: Server;
let base: string;
let signer: MediaSigner;
const origin = 'http://127.0.0.1:18002';

beforeAll(async () => {
  storage = new S3Storage();
  await storage.ensureBucket();
  await storage.putBytes(`${A}master.m3u8`, '#EXTM3U\n', 'application/vnd.apple.mpegurl');
  await storage.putBytes(`${A}64k/seg_000.m4s`, SEGMENT, 'video/iso.segment');
  await storage.putBytes(`${B}master.m3u8`, '#EXTM3U\n# song B\n', 'application/vnd.apple.mpegurl');
  const edge = createMediaEdge({
    storage,
    basePath: '/media/',
    publicKeys: { KTEST: pub },
    corsOrigins: [origin],
  });
  server = createServer((req, res) => void edge(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/media/`;
  signer = new MediaSigner({ baseUrl: base, keyPairId: 'KTEST', privateKeyPem: priv });
});
afterAll(async () => {
  server?.close();
  await storage?.deletePrefix(`songs/edge${run}a/`);
  await storage?.deletePrefix(`songs/edge${run}b/`);
});

const cookieHeader = (c: Record<string, string>) =>
  Object.entries(c)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

describe('media edge', () => {
  it('serves a valid signed-cookie request with the right headers', async () => {
    const g = signer.grantPrefix(A, 600);
    const r = await fetch(`${base}${A}master.m3u8`, {
      headers: { cookie: cookieHeader(g.cookies), origin },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(r.headers.get('cache-control')).toContain('max-age=300');
    expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
    expect(await r.text()).toBe('#EXTM3U\n');
  });

  it('serves signed-URL parameters and byte ranges', async () => {
    const g = signer.grantPrefix(A, 600);
    const full = await fetch(`${base}${A}64k/seg_000.m4s?${g.query}`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('video/iso.segment');
    expect(full.headers.get('cache-control')).toContain('immutable');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await full.arrayBuffer()).equals(SEGMENT)).toBe(true);
    const part = await fetch(`${base}${A}64k/seg_000.m4s?${g.query}`, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${SEGMENT.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(SEGMENT.subarray(10, 20))).toBe(true);
    const head = await fetch(`${base}${A}64k/seg_000.m4s?${g.query}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(SEGMENT.length));
  });

  it('answers 404 for a missing object only once the signature is good', async () => {
    const g = signer.grantPrefix(A, 600);
    expect((await fetch(`${base}${A}nope.m4s?${g.query}`)).status).toBe(404);
    expect((await fetch(`${base}${A}nope.m4s`)).status).toBe(403);
  });

  it('refuses an expired signature', async () => {
    const g = signer.grantPrefix(A, 60, Math.floor(Date.now() / 1000) - 120);
    const r = await fetch(`${base}${A}master.m3u8`, { headers: { cookie: cookieHeader(g.cookies) } });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-edge-reason')).toBe('expired');
    expect((await fetch(`${base}${A}master.m3u8?${g.query}`)).status).toBe(403);
  });

  it('refuses a tampered policy or signature', async () => {
    const g = signer.grantPrefix(A, 600);
    // Widen the policy to every song: the signature no longer matches the bytes.
    const policy = Buffer.from(
      g.cookies['CloudFront-Policy']!.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    )
      .toString('utf8')
      .replace(A, 'songs/');
    const forged = Buffer.from(policy)
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/=/g, '_')
      .replace(/\//g, '~');
    const r1 = await fetch(`${base}${B}master.m3u8`, {
      headers: { cookie: cookieHeader({ ...g.cookies, 'CloudFront-Policy': forged }) },
    });
    expect(r1.status).toBe(403);
    expect(r1.headers.get('x-edge-reason')).toBe('bad signature');
    const sig = g.cookies['CloudFront-Signature']!;
    const flipped = (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
    const r2 = await fetch(`${base}${A}master.m3u8`, {
      headers: { cookie: cookieHeader({ ...g.cookies, 'CloudFront-Signature': sig.slice(0, 10) + flipped }) },
    });
    expect(r2.status).toBe(403);
    const r3 = await fetch(`${base}${A}master.m3u8`, {
      headers: { cookie: cookieHeader({ ...g.cookies, 'CloudFront-Key-Pair-Id': 'KOTHER' }) },
    });
    expect(r3.status).toBe(403);
    expect(r3.headers.get('x-edge-reason')).toBe('unknown Key-Pair-Id');
  });

  it("refuses song A's signature on song B's prefix", async () => {
    const g = signer.grantPrefix(A, 600);
    const r = await fetch(`${base}${B}master.m3u8`, { headers: { cookie: cookieHeader(g.cookies) } });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-edge-reason')).toBe('resource mismatch');
    expect((await fetch(`${base}${B}master.m3u8?${g.query}`)).status).toBe(403);
    // ...and B's own signature works there.
    const gb = signer.grantPrefix(B, 600);
    expect((await fetch(`${base}${B}master.m3u8?${gb.query}`)).status).toBe(200);
  });

  it('verifies canned-policy signed URLs for exactly one URL', async () => {
    const url = `${base}${A}master.m3u8`;
    const signed = getSignedUrl({
      url,
      keyPairId: 'KTEST',
      privateKey: priv,
      dateLessThan: new Date(Date.now() + 60_000).toISOString(),
    });
    expect((await fetch(signed)).status).toBe(200);
    const other = signed.replace('master.m3u8', '64k/seg_000.m4s');
    expect((await fetch(other)).status).toBe(403);
  });

  it('refuses requests with no signature at all', async () => {
    const r = await fetch(`${base}${A}master.m3u8`);
    expect(r.status).toBe(403);
    expect(r.headers.get('x-edge-reason')).toBe('missing params');
  });
});
