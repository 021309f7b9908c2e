// Every procedure of appRouter — enumerated at run time, so procedures added later are covered too —
// is called over real HTTP against the standalone server with hostile input: wrong types, missing
// fields, unknown keys, "$" operators, __proto__ keys, bad ObjectIds, 1 MB strings, broken JSON.
// Signed in as an admin (so authorisation passes and input validation decides) every input error
// must be BAD_REQUEST naming the failing field; anonymous or keyed callers may get 401/403 instead.
// Nothing may ever answer 5xx.
import { appRouter } from '@tonearm/api';
import type { AnyProcedure } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, makePerson, setup } from './helpers';

type ZodLike = { _zod: { def: Record<string, unknown> & { type: string } }; shape?: Record<string, ZodLike> };

/** Peels optional/default/nullable/transform wrappers off a Zod schema. */
function unwrap(s: ZodLike): ZodLike {
  let cur = s;
  for (let i = 0; i < 10; i++) {
    const def = cur._zod.def;
    if (['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch'].includes(def.type))
      cur = def.innerType as ZodLike;
    else if (def.type === 'pipe') cur = def.in as ZodLike;
    else break;
  }
  return cur;
}

const MB = 'x'.repeat(1024 * 1024);

/** A value of the wrong JSON type for a field of Zod type `t`. */
function wrongType(t: string): unknown {
  if (t === 'number' || t === 'int' || t === 'boolean' || t === 'literal') return 'seven';
  if (t === 'array') return 'not-an-array';
  if (t === 'object') return 'not-an-object';
  return 12345;
}

type Case = { label: string; body: string; field?: string; big?: boolean };

/** Hostile inputs for one procedure: the whole input, then each field of its object shape. */
function casesFor(proc: AnyProcedure): Case[] {
  const cases: Case[] = [
    { label: 'a string instead of an object', body: '"hello"' },
    { label: 'an array instead of an object', body: '[1,2,3]' },
    { label: 'null', body: 'null' },
    { label: 'an unknown key', body: '{"notAField":1}', field: 'notAField' },
    { label: 'a top-level $gt operator', body: '{"$gt":""}', field: '$gt' },
    { label: 'a __proto__ key', body: '{"__proto__":{"isAdmin":true}}' },
    { label: 'a constructor.prototype key', body: '{"constructor":{"prototype":{"isAdmin":true}}}' },
    { label: 'a 1 MB string as the input', body: JSON.stringify(MB), big: true },
  ];
  const schema = (proc._def as unknown as { inputs: ZodLike[] }).inputs[0];
  const shape = schema ? unwrap(schema).shape : undefined;
  for (const [key, field] of Object.entries(shape ?? {})) {
    const t = unwrap(field)._zod.def.type;
    const one = (label: string, value: unknown, big = false) =>
      cases.push({ label: `${key}: ${label}`, body: JSON.stringify({ [key]: value }), field: key, big });
    one('{"$gt": ""}', { $gt: '' });
    one('{"$ne": null}', { $ne: null });
    one('a wrong type', wrongType(t));
    one('a __proto__ object', JSON.parse('{"__proto__":{"isAdmin":true}}'));
    if (t === 'string') one('a 1 MB string', MB, true);
    if (t === 'array') one('a 1 MB string element', [MB], true);
    // Only fields that are ObjectIds (an "eventId" or a BullMQ "jobId" may be free-form text).
    const acceptsText = (field as { safeParse?: (v: unknown) => { success: boolean } }).safeParse?.(
      'nope-not-an-id',
    ).success;
    if (/(^id$|Id$)/.test(key) && !acceptsText) one('a bad ObjectId', 'nope-not-an-id');
    if (/Ids$/.test(key)) one('a bad ObjectId element', ['nope-not-an-id']);
  }
  return cases;
}

type Result = { status: number; body: string };

async function call(url: string, path: string, type: string, c: Case, headers: Record<string, string>) {
  const useGet = type === 'query' && !c.big;
  const target = useGet ? `${url}/trpc/${path}?input=${encodeURIComponent(c.body)}` : `${url}/trpc/${path}`;
  const res = await fetch(target, {
    method: useGet ? 'GET' : 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    ...(useGet ? {} : { body: c.body }),
  });
  return { status: res.status, body: await res.text() } satisfies Result;
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

let f: Fixture;
beforeAll(async () => {
  f = await setup(2);
});
afterAll(() => f?.close());

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

describe('hostile input on every procedure', () => {
  it('enumerates the router', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(40);
    for (const [, p] of procedures) expect(['query', 'mutation', 'subscription']).toContain(p._def.type);
  });

  it('answers BAD_REQUEST with the failing field for an admin, and never 5xx', async () => {
    const failures: string[] = [];
    const work = procedures
      .filter(([, p]) => p._def.type !== 'subscription')
      .flatMap(([path, p]) => casesFor(p).map((c) => ({ path, p, c })));
    await pool(work, 8, async ({ path, p, c }) => {
      const hasInput = (p._def as { inputs: unknown[] }).inputs.length > 0;
      // A procedure without input (auth.logOut) acts on the caller: give it a throwaway session.
      const cookie = hasInput ? f.admin.cookie : (await makePerson(f.svc, 'admin', 'tmp')).cookie;
      const r = await call(f.url, path, p._def.type, c, { cookie });
      const where = `${path} [${c.label}] → ${r.status} ${r.body.slice(0, 200)}`;
      if (r.status >= 500) return void failures.push(`5xx: ${where}`);
      if (!hasInput) {
        // No input parser: the input is ignored; the call may succeed or be refused, never crash.
        if (r.status >= 500) failures.push(where);
        return;
      }
      if (r.status !== 400) return void failures.push(`expected 400: ${where}`);
      const body = JSON.parse(r.body) as {
        error: { data: { appCode: string; fieldErrors?: Record<string, string[]>; formErrors?: string[] } };
      };
      const data = body.error.data;
      if (data.appCode !== 'BAD_REQUEST') failures.push(`appCode ${data.appCode}: ${where}`);
      const named = Object.keys(data.fieldErrors ?? {}).length + (data.formErrors?.length ?? 0);
      if (named === 0) failures.push(`no field path: ${where}`);
      if (c.field && !data.fieldErrors?.[c.field] && !data.formErrors?.some((m) => m.includes(c.field!)))
        failures.push(`field ${c.field} not named: ${where}`);
    });
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }, 300_000);

  it('refuses anonymous and key-only callers with 4xx, never 5xx', async () => {
    const failures: string[] = [];
    const small = procedures
      .filter(([, p]) => p._def.type !== 'subscription')
      .flatMap(([path, p]) =>
        casesFor(p)
          .filter((c) => !c.big)
          .map((c) => ({ path, p, c })),
      );
    const identities: Record<string, string>[] = [
      {},
      { 'x-api-key': 'ta_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { cookie: 'tonearm_session={"$gt":""}' },
      { cookie: 'listener' },
    ];
    await pool(
      identities.flatMap((h) => small.map((w) => ({ ...w, h }))),
      8,
      async ({ path, p, c, h: given }) => {
        const h =
          given.cookie === 'listener' ? { cookie: (await makePerson(f.svc, 'user', 'tmp')).cookie } : given;
        const r = await call(f.url, path, p._def.type, c, h);
        if (r.status >= 500)
          failures.push(`${path} [${c.label}] as ${Object.keys(h)} → ${r.status} ${r.body}`);
        else if (r.status >= 200 && r.status < 300 && (p._def as { inputs: unknown[] }).inputs.length > 0)
          failures.push(`${path} [${c.label}] accepted: ${r.body.slice(0, 200)}`);
      },
    );
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers malformed JSON, an oversized body and an unknown procedure with 4xx', async () => {
    const broken = await fetch(`${f.url}/trpc/song.byId?input=%7Bnot-json`);
    expect(broken.status).toBe(400);
    const huge = await fetch(`${f.url}/trpc/playlist.create`, {
      method: 'POST',
      headers: { cookie: f.alice.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const unknown = await fetch(`${f.url}/trpc/nope.nothing`);
    expect(unknown.status).toBe(404);
  });
});
