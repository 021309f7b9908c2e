// CSRF and cross-site sockets (docs/SECURITY.md): a page on another origin cannot make a signed-in
// visitor's browser change state (form or text POSTs, foreign Origin) nor open a socket as them;
// unsupported content types are a 415, not a 500. Against the real server process.

import { signedInUser } from '@tonearm/api/testing';
import { createRedis, type RedisClient as Redis } from '@tonearm/cache';
import { createRealtimeClient } from '@tonearm/realtime/client';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from './helpers/spawn-server';

const WEB = 'http://player.example.test';
const EVIL = 'http://evil.example.test';
let svc: TestServices;
let server: ServerProcess;
// The server process keys sessions without the test prefix: a plain client on the same Redis.
let redis: Redis;

beforeAll(async () => {
  svc = await startTestServices();
  redis = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
  server = await spawnServer({ MONGODB_URI: svc.mongoUri, ALLOWED_ORIGINS: WEB });
}, 90_000);
afterAll(async () => {
  await server?.stop();
  redis?.disconnect();
  await svc?.close();
});

const victim = async (): Promise<string> => (await signedInUser(redis, { name: 'Victim' })).cookie;

const signedIn = async (cookie: string) => {
  const r = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
  return ((await r.json()) as { result?: { data: unknown } }).result?.data != null;
};

const logOut = (cookie: string, headers: Record<string, string>, body?: BodyInit) =>
  fetch(`${server.url}/trpc/auth.logOut`, { method: 'POST', headers: { cookie, ...headers }, body });

describe('cookie-authenticated mutations', () => {
  it('refuses a cross-origin form POST (415) and the session survives', async () => {
    const cookie = await victim();
    for (const type of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
    ]) {
      const r = await logOut(cookie, { origin: EVIL, 'content-type': type }, 'a=1');
      expect(r.status, type).toBe(415);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    // A no-cors fetch of a Blob sends a body without any content type.
    expect((await logOut(cookie, { origin: EVIL }, new Blob(['{}']))).status).toBe(415);
    expect(await signedIn(cookie)).toBe(true);
  });

  it('refuses JSON from a foreign Origin or a cross-site fetch (403), accepts the player origin', async () => {
    const cookie = await victim();
    const json = { 'content-type': 'application/json' };
    expect((await logOut(cookie, { ...json, origin: EVIL }, '{}')).status).toBe(403);
    expect((await logOut(cookie, { ...json, 'sec-fetch-site': 'same-site' }, '{}')).status).toBe(403);
    expect(await signedIn(cookie)).toBe(true);
    expect((await logOut(cookie, { ...json, origin: WEB }, '{}')).status).toBe(200);
    expect(await signedIn(cookie)).toBe(false);
  });

  it('answers an unsupported content type with 415 without a cookie too (never a 500)', async () => {
    const r = await fetch(`${server.url}/trpc/auth.logIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<x/>',
    });
    expect(r.status).toBe(415);
  });
});

describe('socket.io handshake', () => {
  const connects = (cookie: string, origin?: string) =>
    new Promise<boolean>((resolve) => {
      const c = createRealtimeClient({
        urls: [server.url],
        headers: { cookie, ...(origin ? { origin } : {}) },
      });
      const done = (ok: boolean) => {
        c.close();
        resolve(ok);
      };
      c.socket.once('connect', () => done(true));
      c.socket.once('connect_error', () => done(false));
    });

  it('refuses a foreign Origin and accepts the allowed one', async () => {
    const cookie = await victim();
    expect(await connects(cookie, EVIL)).toBe(false);
    expect(await connects(cookie, WEB)).toBe(true);
  });
});
