// Walking skeleton: the router over HTTP (batching on) reads from MongoDB through the Redis cache.
import { createServer, type Server } from 'node:http';
import type { AppRouter } from '@tonearm/api';
import { Song, seedSkeleton } from '@tonearm/db';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplication } from '../src/app';

let svc: TestServices;
let server: Server;
let url: string;

beforeAll(async () => {
  svc = await startTestServices();
  await seedSkeleton();
  server = createServer();
  createApplication(server, { cache: svc.cache, redis: svc.redis, log: svc.log });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  server?.close();
  await svc?.close();
});

describe('standalone server', () => {
  it('serves song.top from MongoDB, then from the cache', async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/trpc` })] });
    const first = await client.song.top.query({ limit: 3 });
    expect(first.map((s) => s.title)).toContain('Tití Me Preguntó');
    // Change the database behind the cache's back: a cached read must not see it.
    await Song.updateMany({}, { $set: { title: 'changed' } });
    const second = await client.song.top.query({ limit: 3 });
    expect(second).toEqual(first);
    const hits = await svc.redis.exists(svc.cache.key('songs:top', '3'));
    expect(hits).toBe(1);
  });

  it('batches several queries into one HTTP request', async () => {
    let requests = 0;
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${url}/trpc`,
          fetch: (u, init) => {
            requests++;
            return fetch(u, init);
          },
        }),
      ],
    });
    const [a, b] = await Promise.all([
      client.song.top.query({ limit: 1 }),
      client.song.top.query({ limit: 2 }),
    ]);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(2);
    expect(requests).toBe(1);
  });

  it('answers a malformed id with BAD_REQUEST and the field path, never a 500', async () => {
    const res = await fetch(
      `${url}/trpc/song.byId?input=${encodeURIComponent(JSON.stringify({ id: 'nope' }))}`,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { data: { appCode: string; fieldErrors: Record<string, string[]> } };
    };
    expect(body.error.data.appCode).toBe('BAD_REQUEST');
    expect(Object.keys(body.error.data.fieldErrors)).toContain('id');
  });

  it('exposes health, readiness and metrics', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('tonearm_trpc_request_duration_seconds');
  });
});
