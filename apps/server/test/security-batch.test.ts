// Finding 1 of the security review (docs/SECURITY.md): one POST carried 500 auth.logIn guesses. The
// standalone server is the only API host; it refuses batches over MAX_BATCH_SIZE, and every call of
// an admitted batch counts against its own scope (auth.* by IP), so a batch guesses no faster than
// single requests.

import type { Server } from 'node:http';
import { findApiKey, generateApiKey, signUp } from '@tonearm/core';
import { ApiKey, Types, User } from '@tonearm/db';
import { RateLimiter, resolveScopes } from '@tonearm/ratelimit';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { MAX_API_KEY_RATE_LIMIT } from '@tonearm/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_SIZE } from '../src/app';
import { startServer } from './helpers';

let svc: TestServices;
let server: Server;
let url = '';
let cookie = '';
const AUTH_LIMIT = 5;
const email = `victim_${uid(3)}@example.test`;

beforeAll(async () => {
  svc = await startTestServices();
  const set = new Headers();
  await signUp(
    { cache: svc.cache, redis: svc.redis, log: svc.log },
    { email, handle: `victim_${uid(3)}`, displayName: 'Victim', password: 'correct horse battery staple' },
    set,
  );
  cookie = set.getSetCookie()[0]!.split(';')[0]!;
  const rateLimiter = new RateLimiter(svc.redis, {
    scopes: resolveScopes(JSON.stringify({ auth: { limit: AUTH_LIMIT } })),
    prefix: `rlbatch${uid(3)}`,
  });
  ({ server, url } = await startServer({ cache: svc.cache, redis: svc.redis, log: svc.log, rateLimiter }));
}, 60_000);
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await svc?.close();
});

function batchLogIn(passwords: string[]) {
  const paths = passwords.map(() => 'auth.logIn').join(',');
  const body = Object.fromEntries(passwords.map((password, i) => [i, { email, password }]));
  return fetch(`${url}/trpc/${paths}?batch=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

type Item = { result?: unknown; error?: { data: { appCode?: string; code?: string } } };

describe('batched credential guessing on the API server', () => {
  it(`refuses a batch of more than ${MAX_BATCH_SIZE} calls before running any`, async () => {
    const guesses = Array.from({ length: 500 }, (_, i) => `wrong guess number ${i}`);
    guesses[499] = 'correct horse battery staple';
    const res = await batchLogIn(guesses);
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(JSON.stringify(await res.json())).toMatch(/Batch call exceeds maximum size/);
    // The same for a GET batch (the fast query path hands over-long batches to tRPC's handler).
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => 'song.top').join(',');
    expect((await fetch(`${url}/trpc/${paths}?batch=1&input=%7B%7D`)).status).toBe(400);
  });

  it('counts every call of an admitted batch against the auth scope', async () => {
    const guesses = Array.from({ length: MAX_BATCH_SIZE }, (_, i) => `wrong guess number ${i}`);
    guesses[MAX_BATCH_SIZE - 1] = 'correct horse battery staple';
    const items = (await (await batchLogIn(guesses)).json()) as Item[];
    expect(items).toHaveLength(MAX_BATCH_SIZE);
    const codes = items.map((x) => x.error?.data.appCode ?? 'OK');
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(MAX_BATCH_SIZE - AUTH_LIMIT);
    expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(AUTH_LIMIT);
    // The right password, 16th in the batch, was never tried.
    expect(codes).not.toContain('OK');
  });
});

describe('API-key limits have an upper bound', () => {
  const create = (rateLimitPerMinute: number) =>
    fetch(`${url}/trpc/apiKey.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'bot', scopes: ['library:read'], rateLimitPerMinute }),
    });

  it(`refuses a key over ${MAX_API_KEY_RATE_LIMIT} per minute and accepts the bound`, async () => {
    const big = await create(100_000);
    expect(big.status).toBe(400);
    expect(JSON.stringify(await big.json())).toMatch(/rateLimitPerMinute/);
    expect((await create(MAX_API_KEY_RATE_LIMIT)).status).toBe(200);
  });

  it('clamps a key stored with more before the bound existed', async () => {
    const k = generateApiKey();
    await ApiKey.create({
      userId: new Types.ObjectId(),
      name: 'old',
      prefix: k.prefix,
      hash: k.hash,
      rateLimitPerMinute: 100_000,
    });
    expect((await findApiKey(k.key))?.rateLimitPerMinute).toBe(MAX_API_KEY_RATE_LIMIT);
  });
});

describe('password policy at sign-up', () => {
  it('refuses 12345678 with a reason and creates no account', async () => {
    const handle = `weak_${uid(3)}`;
    // A server of its own without the limiter: the auth budget of this IP is spent above.
    const plain = await startServer({ cache: svc.cache, redis: svc.redis, log: svc.log });
    const res = await fetch(`${plain.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `${handle}@example.test`,
        handle,
        displayName: 'Weak',
        password: '12345678',
      }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    const body = (await res.json()) as { error: { message: string; data: { details?: { field?: string } } } };
    expect(body.error.message).toMatch(/Choose a stronger password: This is a heavily used password/);
    expect(body.error.data.details?.field).toBe('password');
    expect(await User.exists({ handle })).toBeNull();
    plain.server.close();
  });
});
