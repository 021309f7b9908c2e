// The one error path over real HTTP: duplicate key → CONFLICT naming the field, Mongoose validation
// → BAD_REQUEST, every failed request logged exactly once with its request id; auth round trip.

import type { Server } from 'node:http';
import { toAppError } from '@tonearm/api';
import { Song } from '@tonearm/db';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, type LogLine, startServer } from './helpers';

let svc: TestServices;
let server: Server;
let url: string;
let lines: LogLine[];

beforeAll(async () => {
  svc = await startTestServices();
  const cap = captureLogger();
  lines = cap.lines;
  ({ server, url } = await startServer({ cache: svc.cache, redis: svc.redis, log: cap.log }));
});
afterAll(async () => {
  server?.close();
  await svc?.close();
});

async function post(path: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  return { res, body: (await res.json()) as { error?: { message: string; data: Record<string, unknown> } } };
}

const logsOf = (requestId: string | null) => lines.filter((l) => l['http.request.id'] === requestId);

describe('errors', () => {
  const account = () => ({
    email: `e${uid(3)}@example.test`,
    handle: `h_${uid(3)}`,
    displayName: 'Someone',
    password: 'correct horse battery',
  });

  it('signs up (httpOnly session cookie), reads me, logs out, logs in', async () => {
    const a = account();
    const { res } = await post('auth.signUp', a);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tonearm_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    const sid = cookie.split(';')[0]!;
    const me = await fetch(`${url}/trpc/auth.me`, { headers: { cookie: sid } });
    expect(((await me.json()) as { result: { data: { handle: string } } }).result.data.handle).toBe(a.handle);
    const out = await post('auth.logOut', undefined, { cookie: sid });
    expect(out.res.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const after = await fetch(`${url}/trpc/auth.me`, { headers: { cookie: sid } });
    expect(((await after.json()) as { result: { data: unknown } }).result.data).toBeNull();
    const bad = await post('auth.logIn', { email: a.email, password: 'wrong password!' });
    expect(bad.res.status).toBe(401);
    const good = await post('auth.logIn', { email: a.email.toUpperCase(), password: a.password });
    expect(good.res.status).toBe(200);
    expect(good.res.headers.get('set-cookie')).toMatch(/^tonearm_session=/);
  });

  it('maps a duplicate email (unique index, E11000) to CONFLICT naming the field', async () => {
    const a = account();
    expect((await post('auth.signUp', a)).res.status).toBe(200);
    const { res, body } = await post('auth.signUp', { ...a, handle: `h_${uid(3)}` });
    expect(res.status).toBe(409);
    expect(body.error?.data).toMatchObject({
      code: 'CONFLICT',
      appCode: 'CONFLICT',
      details: { field: 'email' },
    });
    const dupHandle = await post('auth.signUp', { ...account(), handle: a.handle });
    expect(dupHandle.body.error?.data).toMatchObject({ code: 'CONFLICT', details: { field: 'handle' } });
  });

  it('maps a real Mongoose validation error to BAD_REQUEST', async () => {
    const err = await Song.create({ title: 'x'.repeat(500) }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationError');
    expect(toAppError(err)).toMatchObject({ code: 'BAD_REQUEST', status: 400, expose: true });
  });

  it('answers validation failures with BAD_REQUEST and field paths', async () => {
    const { res, body } = await post('auth.signUp', { email: 'nope', handle: '!', password: 1 });
    expect(res.status).toBe(400);
    expect(Object.keys(body.error?.data.fieldErrors as object).sort()).toEqual(
      ['displayName', 'email', 'handle', 'password'].sort(),
    );
  });

  it('logs every failed request exactly once, with its request id', async () => {
    const ids: string[] = [];
    for (const [path, input] of [
      ['auth.logIn', { email: 'x@example.test', password: 'wrong password!' }],
      ['auth.signUp', { bad: true }],
      ['song.create', { title: 'x' }],
    ] as const) {
      const id = `req-${uid(4)}`;
      const { res } = await post(path, input, { 'x-request-id': id });
      expect(res.headers.get('x-request-id')).toBe(id);
      ids.push(id);
    }
    for (const id of ids) {
      const mine = logsOf(id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ 'http.request.id': id });
      expect(mine[0]!['error.code']).toMatch(/UNAUTHORIZED|BAD_REQUEST/);
    }
    // A batch of two failing calls: two lines, both with the batch's request id.
    const id = `req-${uid(4)}`;
    const input = encodeURIComponent(JSON.stringify({ 0: { id: 'bad' }, 1: { id: 'worse' } }));
    await fetch(`${url}/trpc/song.byId,artist.byId?batch=1&input=${input}`, {
      headers: { 'x-request-id': id },
    });
    expect(
      logsOf(id)
        .map((l) => l['trpc.procedure'])
        .sort(),
    ).toEqual(['artist.byId', 'song.byId']);
  });
});
