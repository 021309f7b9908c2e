// The GET fast path must answer exactly as tRPC's own handler does: same status, same body (minus
// the stack, which differs by call site), same headers that matter. tRPC's handler is reached by
// POSTing the same query (method override), which the fast path never takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, setup } from './helpers';

let f: Fixture;
beforeAll(async () => {
  f = await setup(3);
});
afterAll(() => f?.close());

type Body = { result?: unknown; error?: { data?: Record<string, unknown> } };
const strip = (b: Body) => {
  if (b.error?.data) {
    const { stack, requestId, ...rest } = b.error.data;
    void stack;
    void requestId;
    return { ...b, error: { ...b.error, data: rest } };
  }
  return b;
};

async function both(path: string, input: unknown, headers: Record<string, string> = {}) {
  const enc = (v: unknown) => encodeURIComponent(JSON.stringify(v));
  const fast = await fetch(`${f.url}/trpc/${path}${input === undefined ? '' : `?input=${enc(input)}`}`, {
    headers,
  });
  const slow = await fetch(`${f.url}/trpc/${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
  return { fast, slow, fastBody: (await fast.json()) as Body, slowBody: (await slow.json()) as Body };
}

describe('GET fast path', () => {
  const cases: [string, string, () => unknown, () => Record<string, string>][] = [
    ['a hit', 'song.byId', () => ({ id: f.songIds[0] }), () => ({})],
    ['a list with defaults', 'song.list', () => ({}), () => ({})],
    ['bad input', 'song.byId', () => ({ id: 'nope', extra: 1 }), () => ({})],
    ['not found', 'song.byId', () => ({ id: '0123456789abcdef01234567' }), () => ({})],
    ['unauthorised', 'playlist.mine', () => ({}), () => ({})],
    ['signed in', 'auth.me', () => undefined, () => ({ cookie: f.alice.cookie })],
    [
      'a bogus API key',
      'apiKey.list',
      () => ({}),
      () => ({ 'x-api-key': 'ta_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
    ],
  ];
  for (const [label, path, input, headers] of cases) {
    it(`matches tRPC's handler for ${label}`, async () => {
      const r = await both(path, input(), headers());
      expect(r.fast.status).toBe(r.slow.status);
      expect(strip(r.fastBody)).toEqual(strip(r.slowBody));
      expect(r.fast.headers.get('content-type')).toBe('application/json');
      expect(r.fast.headers.get('x-request-id')).toBeTruthy();
    });
  }

  it('answers a batch (mixed results → 207) exactly as tRPC does', async () => {
    const input = { 0: { id: f.songIds[0] }, 1: { id: 'nope' }, 2: { limit: 2 } };
    const path = 'song.byId,song.byId,song.top';
    const fast = await fetch(
      `${f.url}/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
    );
    const slow = await fetch(`${f.url}/trpc/${path}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    expect(fast.status).toBe(207);
    expect(slow.status).toBe(207);
    const fb = ((await fast.json()) as Body[]).map(strip);
    const sb = ((await slow.json()) as Body[]).map(strip);
    expect(fb).toEqual(sb);
  });

  it('leaves unparsable input to tRPC (PARSE_ERROR → 400)', async () => {
    const res = await fetch(`${f.url}/trpc/song.byId?input=%7Bnope`);
    expect(res.status).toBe(400);
  });
});
