// Two transports, one router: the Next.js route handler (fetch adapter) and the RSC server caller
// answer like the standalone server — same context, cookies, error shape and request ids.
import { provideApiDeps } from '@tonearm/api/deps';
import { seedSkeleton, startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET, POST } from '../app/api/trpc/[trpc]/route';
import { createServerCaller } from '../lib/server-caller';

let svc: TestServices;
beforeAll(async () => {
  svc = await startTestServices();
  provideApiDeps({ cache: svc.cache, redis: svc.redis, log: svc.log });
  await seedSkeleton();
});
afterAll(() => svc?.close());

const base = 'http://web.test/api/trpc';

describe('Next.js route handler /api/trpc', () => {
  let cookie = '';
  const handle = `web_${uid(3)}`;

  it('signs up through the fetch adapter and sets the httpOnly session cookie', async () => {
    const res = await POST(
      new Request(`${base}/auth.signUp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `${handle}@example.test`,
          handle,
          displayName: 'Web',
          password: 'long enough password',
        }),
      }),
    );
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^tonearm_session=[^;]+; Path=\/; HttpOnly/);
    cookie = set.split(';')[0]!;
    const me = await GET(new Request(`${base}/auth.me`, { headers: { cookie } }));
    expect(((await me.json()) as { result: { data: { handle: string } } }).result.data.handle).toBe(handle);
  });

  it('batches, and answers bad input with BAD_REQUEST, the field path and the request id', async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { limit: 2 }, 1: { id: 'nope' } }));
    const res = await GET(
      new Request(`${base}/song.top,song.byId?batch=1&input=${input}`, {
        headers: { 'x-request-id': 'web-1' },
      }),
    );
    expect(res.headers.get('x-request-id')).toBe('web-1');
    const [top, bad] = (await res.json()) as [
      { result: { data: { title: string }[] } },
      { error: { data: { appCode: string; requestId: string; fieldErrors: Record<string, string[]> } } },
    ];
    expect(top.result.data).toHaveLength(2);
    expect(bad.error.data).toMatchObject({ appCode: 'BAD_REQUEST', requestId: 'web-1' });
    expect(bad.error.data.fieldErrors).toHaveProperty('id');
  });

  it('serves React Server Components in-process with the same context', async () => {
    const anon = await createServerCaller(new Headers());
    expect(await anon.auth.me()).toBeNull();
    expect((await anon.song.top({ limit: 1 }))[0]!.title).toBe('Tití Me Preguntó');
    const signedIn = await createServerCaller(new Headers({ cookie }));
    expect((await signedIn.auth.me())?.handle).toBe(handle);
    await expect(anon.playlist.mine({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
