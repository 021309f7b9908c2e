// Signed-in callers for tests: one place that creates a person with a real session, the way a
// browser holds one, and a tRPC caller in the router's own context acting as them (trpc's
// next-prisma-starter tests `createCaller` this way: a real context, real services, no HTTP mocks).
//
//   const { signedInCaller, callerAs } = testCallers(() => ({ cache: svc.cache, redis: svc.redis, log: svc.log }));
//   const admin = await signedInCaller({ role: 'admin' });    // admin.user.id, admin.user.cookie
//   await admin.imports.list({ limit: 5 });
//   const anonymous = await callerAs(null);
//
// It lives with the router's tests and is published as the test-only subpath `@tonearm/api/testing`
// (the lint keeps it out of product code): @tonearm/testing cannot hold it, since api, core and
// workers test with @tonearm/testing, and a testing → api (or core) dependency would close a cycle.
// HTTP suites (apps/server) take `signedInUser(...).cookie`; they need no caller.
import { createSession, type Role, SESSION_COOKIE } from '@tonearm/core';
import { User } from '@tonearm/db';
import { uid } from '@tonearm/testing';
import { type ApiDeps, createCaller, createTRPCContext } from '../../src';

type Redis = ApiDeps['redis'];

export type SignedInUser = {
  id: string;
  handle: string;
  email: string;
  displayName: string;
  role: Role;
  /** The session id (what the cookie holds; tests check it never reaches a log). */
  sessionId: string;
  /** The `Cookie` header value a browser holding this session sends. */
  cookie: string;
};

export type SignedInOptions = {
  role?: Role;
  /** Display name; the handle is made from it (lowercased, plus a tag unique in the process) unless given. */
  name?: string;
  handle?: string;
  email?: string;
  /** Any other User fields (isActivityPrivate, emailVerifiedAt, ...). */
  fields?: Record<string, unknown>;
  /** Session lifetime, seconds (default one hour). */
  ttlSec?: number;
};

const PROCESS_TAG = uid(2);
let made = 0;

/** Creates a user and a live session for them (the row and the Redis session login would write). */
export async function signedInUser(redis: Redis, opts: SignedInOptions = {}): Promise<SignedInUser> {
  const role = opts.role ?? 'user';
  const displayName = opts.name ?? (role === 'admin' ? 'Admin' : 'User');
  // A per-process sequence keeps handles (and emails) unique however many people a suite makes (a
  // random tag alone collided: hostile-input makes thousands); the random part keeps processes apart.
  const handle =
    opts.handle ??
    `${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${PROCESS_TAG}${(++made).toString(36)}`;
  const email = opts.email ?? `${handle}@example.test`;
  const u = await User.create({ email, handle, displayName, passwordHash: 'x', role, ...opts.fields });
  const id = String(u._id);
  return { id, handle, email, displayName, role, ...(await newSession(redis, { id, role }, opts.ttlSec)) };
}

/** Another session for an existing user (a second device): its id and `Cookie` header value. */
export async function newSession(
  redis: Redis,
  user: Pick<SignedInUser, 'id' | 'role'>,
  ttlSec = 3600,
): Promise<{ sessionId: string; cookie: string }> {
  const sessionId = await createSession(redis, { userId: user.id, role: user.role }, ttlSec);
  return { sessionId, cookie: `${SESSION_COOKIE}=${sessionId}` };
}

export type Caller = ReturnType<typeof createCaller>;
/** A caller that also says who it acts as. */
export type SignedInCaller = Caller & { user: SignedInUser };

/** Callers over the given dependencies (a function: test services start in beforeAll). */
export function testCallers(deps: () => ApiDeps) {
  /** A caller acting as `who`: a signed-in user, a raw `Cookie` header value, or nobody. */
  async function callerAs(
    who: Pick<SignedInUser, 'cookie'> | string | null,
    opts: { resHeaders?: Headers } = {},
  ): Promise<Caller> {
    const headers = new Headers();
    const cookie = typeof who === 'string' ? who : who?.cookie;
    if (cookie) headers.set('cookie', cookie);
    return createCaller(await createTRPCContext({ deps: deps(), headers, resHeaders: opts.resHeaders }));
  }

  /** A new user with a session, and a caller acting as them (`caller.user` says who). */
  async function signedInCaller(opts: SignedInOptions = {}): Promise<SignedInCaller> {
    const user = await signedInUser(deps().redis, opts);
    const caller = await callerAs(user);
    // tRPC's caller is a proxy that turns every property into a procedure path: `user` is added by
    // a proxy in front of it rather than set on it.
    return new Proxy(caller, {
      get: (target, key, receiver) => (key === 'user' ? user : Reflect.get(target, key, receiver)),
    }) as SignedInCaller;
  }

  return {
    callerAs,
    signedInCaller,
    signedInUser: (opts?: SignedInOptions) => signedInUser(deps().redis, opts),
  };
}
