// Sessions and API keys: who is calling. Sessions live in Redis behind an httpOnly cookie (the cookie
// holds a random id; Redis holds only its SHA-256, so a Redis dump leaks no usable session). API keys
// are sent in the x-api-key header; MongoDB stores their SHA-256. Edit with care: the socket.io
// handshake and both HTTP transports authenticate through authenticateHeaders().
import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '@tonearm/cache';
import { ApiKey } from '@tonearm/db';
import { MAX_API_KEY_RATE_LIMIT } from '@tonearm/validators';

export const SESSION_COOKIE = 'tonearm_session';
export const API_KEY_HEADER = 'x-api-key';

export type Role = 'user' | 'admin';
export type SessionRecord = { userId: string; role: Role; createdAt: number };
export type SessionPrincipal = { userId: string; role: Role; sessionId: string };
export type ApiKeyPrincipal = { keyId: string; userId: string; scopes: string[]; rateLimitPerMinute: number };
export type Principal = { session: SessionPrincipal | null; apiKey: ApiKeyPrincipal | null };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sessionKey = (sid: string) => `sess:${sha256(sid)}`;
const userSessionsKey = (userId: string) => `user-sessions:${userId}`;

// Redis Cluster: a session key and the user's index set hash to different slots (a session is found
// by its id alone), so no command or transaction spans both. The index is written first and read
// as a superset: a session always appears in its user's index while it exists, so "sign out
// everywhere" never misses one; an index entry whose session has expired is dropped when found.
export async function createSession(
  redis: Redis,
  user: { userId: string; role: Role },
  ttlSeconds: number,
): Promise<string> {
  const sid = randomBytes(32).toString('base64url');
  const record: SessionRecord = { userId: user.userId, role: user.role, createdAt: Date.now() };
  await redis
    .multi()
    .sadd(userSessionsKey(user.userId), sha256(sid))
    .expire(userSessionsKey(user.userId), ttlSeconds)
    .exec();
  await redis.set(sessionKey(sid), JSON.stringify(record), 'EX', ttlSeconds);
  return sid;
}

export async function getSession(redis: Redis, sid: string): Promise<SessionRecord | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(sid)) return null;
  const raw = await redis.get(sessionKey(sid));
  return raw ? (JSON.parse(raw) as SessionRecord) : null;
}

export async function destroySession(redis: Redis, sid: string): Promise<void> {
  const rec = await getSession(redis, sid);
  await redis.del(sessionKey(sid));
  if (rec) await redis.srem(userSessionsKey(rec.userId), sha256(sid));
}

/** Ends every session of a user (password change, account deletion), or all but `exceptSid`. */
export async function destroyUserSessions(redis: Redis, userId: string, exceptSid?: string): Promise<number> {
  const keep = exceptSid ? sha256(exceptSid) : null;
  const hashes = (await redis.smembers(userSessionsKey(userId))).filter((h) => h !== keep);
  // One DEL per session: each key is in a slot of its own. Counts the sessions that still existed.
  const dropped = (await Promise.all(hashes.map((h) => redis.del(`sess:${h}`)))).reduce((a, n) => a + n, 0);
  if (keep) {
    if (hashes.length) await redis.srem(userSessionsKey(userId), ...hashes);
  } else await redis.del(userSessionsKey(userId));
  return dropped;
}

/** Rewrites the role in every live session of a user (promotion once an admin address is verified). */
export async function setSessionsRole(redis: Redis, userId: string, role: Role): Promise<void> {
  for (const h of await redis.smembers(userSessionsKey(userId))) {
    const raw = await redis.get(`sess:${h}`);
    if (!raw) continue;
    const rec = JSON.parse(raw) as SessionRecord;
    await redis.set(`sess:${h}`, JSON.stringify({ ...rec, role }), 'KEEPTTL');
  }
}

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    const k = part.slice(0, i).trim();
    if (k in out) continue;
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

export function sessionCookie(sid: string, ttlSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${sid}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${ttlSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** A new API key: shown once to its owner; only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(4).toString('hex');
  const key = `ta_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: sha256(key) };
}

export function hashApiKey(key: string): string {
  return sha256(key);
}

export async function findApiKey(key: string): Promise<ApiKeyPrincipal | null> {
  if (!/^ta_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/.test(key)) return null;
  const doc = await ApiKey.findOne({ hash: hashApiKey(key), revokedAt: null }).lean();
  if (!doc) return null;
  return {
    keyId: String(doc._id),
    userId: String(doc.userId),
    scopes: doc.scopes ?? [],
    // A key stored before the cap existed gets no more than the cap.
    rateLimitPerMinute: Math.min(doc.rateLimitPerMinute ?? 600, MAX_API_KEY_RATE_LIMIT),
  };
}

/** Resolves the caller from request headers: the session cookie first, then an API key. */
export async function authenticateHeaders(
  redis: Redis,
  headers: { get(name: string): string | null },
): Promise<Principal> {
  const sid = parseCookies(headers.get('cookie'))[SESSION_COOKIE];
  let session: SessionPrincipal | null = null;
  if (sid) {
    const rec = await getSession(redis, sid);
    if (rec) session = { userId: rec.userId, role: rec.role, sessionId: sid };
  }
  const key = headers.get(API_KEY_HEADER);
  const apiKey = !session && key ? await findApiKey(key) : null;
  return { session, apiKey };
}
