// The GET fast path must answer exactly as tRPC's own handler does: same status, same body (minus
// the stack, which differs by call site), same headers that matter. tRPC's handler is reached with a
// batch of one, which the fast path never takes.
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
  const slow = await fetch(`${f.url}/trpc/${path}?batch=1&input=${enc({ 0: input })}`, { headers });
  const fastBody = (await fast.json()) as Body;
  const slowBody = ((await slow.json()) as Body[])[0]!;
  return { fast, slow, fastBody, slowBody };
}

describe('GET fast path', () => {
  const cases: [string, string, () => unknown, () => Record<string, string>][] = [
    ['a hit', 'song.byId', () => ({ id: f.songIds[0] }), () => ({})],
    ['a list with defaults', 'song.list', () => undefined, () => ({})],
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

  it('leaves unparsable input to tRPC (PARSE_ERROR → 400)', async () => {
    const res = await fetch(`${f.url}/trpc/song.byId?input=%7Bnope`);
    expect(res.status).toBe(400);
  });
});
