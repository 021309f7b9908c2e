// With NODE_ENV=production an unknown error is INTERNAL_SERVER_ERROR with a generic message: no
// stack, no cause, no internals reach the client, while the log keeps them (once, with the request id).
import type { Server } from 'node:http';
import type { TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from './helpers';

let svc: TestServices;
let server: Server;
let url: string;
let lines: LogLine[];
let songId: string;

beforeAll(async () => {
  // trpc.ts reads NODE_ENV when it is first imported: set it before importing anything of the API.
  process.env.NODE_ENV = 'production';
  const { startTestServices } = await import('@tonearm/testing');
  const { captureLogger, seedCatalog, startServer } = await import('./helpers');
  const { nativeDb } = await import('@tonearm/db');
  svc = await startTestServices();
  const cat = await seedCatalog(1);
  songId = cat.songIds[0]!;
  // A document the product could never write: its media status breaks the procedure's output
  // schema, which tRPC reports as an internal error — a real unknown error from a real procedure.
  const { Types } = await import('@tonearm/db');
  await nativeDb()
    .collection('songs')
    .updateOne({ _id: new Types.ObjectId(songId) }, { $set: { 'media.status': 'secret-internal-state' } });
  const cap = captureLogger();
  lines = cap.lines;
  ({ server, url } = await startServer({ cache: svc.cache, redis: svc.redis, log: cap.log }));
});
afterAll(async () => {
  server?.close();
  await svc?.close();
  process.env.NODE_ENV = 'test';
});

describe('errors in production', () => {
  it('hides the stack and internals of an unknown error, and logs it once', async () => {
    const res = await fetch(
      `${url}/trpc/song.byId?input=${encodeURIComponent(JSON.stringify({ id: songId }))}`,
      { headers: { 'x-request-id': 'prod-500' } },
    );
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text) as { error: { message: string; data: Record<string, unknown> } };
    expect(body.error.message).toBe('Internal server error');
    expect(body.error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'prod-500' });
    expect(body.error.data.stack).toBeUndefined();
    expect(text).not.toMatch(/secret-internal-state|at .*\.ts:\d+|node_modules|Output validation/);
    const logged = lines.filter((l) => l['http.request.id'] === 'prod-500');
    expect(logged).toHaveLength(1);
    expect(logged[0]!['log.level']).toBe('error');
    expect(JSON.stringify(logged[0])).toMatch(/secret-internal-state|Output validation/);
  });

  it('still explains client errors in production, without a stack', async () => {
    const res = await fetch(`${url}/trpc/song.byId?input=${encodeURIComponent('{"id":"nope"}')}`);
    const body = (await res.json()) as { error: { data: Record<string, unknown> } };
    expect(res.status).toBe(400);
    expect(body.error.data.fieldErrors).toHaveProperty('id');
    expect(body.error.data.stack).toBeUndefined();
  });
});
