// Accounts: sign up, log in, log out, the current user, and API keys. Passwords are hashed with
// Argon2id (@node-rs/argon2, OWASP's recommended parameters are its defaults); sessions and the
// cookie format live in auth.ts.

import { createHash } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { env } from '@tonearm/config';
import { ApiKey, Invite, mongoose, User, type UserDoc } from '@tonearm/db';
import {
  AppError,
  type CreateApiKeyInput,
  type LogInInput,
  type Page,
  type SignUpInput,
} from '@tonearm/validators';
import { sendVerification } from './account-settings';
import {
  clearSessionCookie,
  createSession,
  destroySession,
  generateApiKey,
  type Role,
  sessionCookie,
} from './auth';
import type { CoreDeps } from './deps';
import { type ApiKeyDto, toUserDto, type UserDto } from './dto';

export type { ApiKeyDto };

import { findPage, type PageRequest } from './pagination';
import { assertStrongPassword } from './password-policy';
import { peopleChanged } from './people';

/** Verified against when the email is unknown, so a miss costs as much as a wrong password. */
let dummyHash: Promise<string> | undefined;

/**
 * Secure cookies whenever browsers reach the API over HTTPS (production behind TLS); a production
 * server on plain http (a home server on the LAN, `bash scripts/run.sh`) must still be able to sign in.
 */
const secureCookies = () => {
  const cfg = env();
  return cfg.NODE_ENV === 'production' && (cfg.PUBLIC_SERVER_URL ?? '').startsWith('https:');
};

async function startSession(deps: CoreDeps, user: UserDoc, resHeaders: Headers): Promise<void> {
  const ttl = env().SESSION_TTL_SECONDS;
  const sid = await createSession(deps.redis, { userId: String(user._id), role: user.role as Role }, ttl);
  resHeaders.append('set-cookie', sessionCookie(sid, ttl, secureCookies()));
}

/** How accounts are created on this server (SIGNUP_MODE), for the sign-in page. */
export function signUpMode(): { mode: 'open' | 'invite' | 'closed' } {
  return { mode: env().SIGNUP_MODE };
}

const inviteHash = (code: string) => createHash('sha256').update(code).digest('hex');

/**
 * Creates the account (duplicate email or handle → CONFLICT from the unique index) and signs in.
 * SIGNUP_MODE=invite needs an unused, unexpired invite code; closed refuses. Every account starts as
 * a plain user with an unverified address: a verification mail is enqueued, and an address listed in
 * ADMIN_EMAILS becomes admin only when that link is opened (account-settings.ts).
 */
export async function signUp(deps: CoreDeps, input: SignUpInput, resHeaders: Headers): Promise<UserDto> {
  const { password, invite, ...profile } = input;
  assertStrongPassword(password, [input.email, input.email.split('@')[0]!, input.handle, input.displayName]);
  const mode = env().SIGNUP_MODE;
  if (mode === 'closed')
    throw AppError.forbidden('Sign-up is closed on this server; ask its admin for an account');
  let inviteId: unknown = null;
  if (mode === 'invite') {
    if (!invite) throw AppError.forbidden('Sign-up on this server needs an invite link from an admin');
    const claimed = await Invite.findOneAndUpdate(
      { hash: inviteHash(invite), usedAt: null, expiresAt: mongoose.trusted({ $gt: new Date() }) },
      { $set: { usedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean();
    if (!claimed) throw AppError.forbidden('This invite link is used up or has expired');
    inviteId = claimed._id;
  }
  const passwordHash = await hash(password);
  let user: UserDoc;
  try {
    user = (await User.create({ ...profile, passwordHash, role: 'user' })).toObject() as UserDoc;
  } catch (e) {
    if (inviteId) await Invite.updateOne({ _id: inviteId }, { $set: { usedAt: null } });
    throw e;
  }
  if (inviteId) await Invite.updateOne({ _id: inviteId }, { $set: { usedBy: user._id } });
  await startSession(deps, user, resHeaders);
  await peopleChanged(deps);
  // Best effort: the account exists either way, and Settings offers "send the link again".
  await sendVerification(deps, { id: String(user._id), displayName: user.displayName }, user.email).catch(
    (err: unknown) => deps.log.warn({ err }, 'verification mail not enqueued'),
  );
  return toUserDto(user);
}

export async function logIn(deps: CoreDeps, input: LogInInput, resHeaders: Headers): Promise<UserDto> {
  const user = await User.findOne({ email: input.email }).select('+passwordHash').lean<UserDoc>();
  dummyHash ??= hash('not-a-real-password-just-timing');
  const ok = await verify(user?.passwordHash ?? (await dummyHash), input.password).catch(() => false);
  if (!user || !ok) throw AppError.unauthorized('Wrong email or password');
  if (user.disabledAt) throw AppError.forbidden('This account is disabled; ask the server admin');
  await startSession(deps, user, resHeaders);
  return toUserDto(user);
}

export async function logOut(deps: CoreDeps, sessionId: string, resHeaders: Headers): Promise<{ ok: true }> {
  await destroySession(deps.redis, sessionId);
  resHeaders.append('set-cookie', clearSessionCookie(secureCookies()));
  return { ok: true };
}

export async function getMe(userId: string): Promise<UserDto | null> {
  const user = await User.findById(userId).lean<UserDoc>();
  return user ? toUserDto(user) : null;
}

// --- API keys ---------------------------------------------------------------------------

type ApiKeyLean = {
  _id: import('mongoose').Types.ObjectId;
  name: string;
  prefix: string;
  scopes?: string[];
  rateLimitPerMinute?: number;
  createdAt?: Date;
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
};

const isoOrNull = (d: Date | null | undefined) => (d instanceof Date ? d.toISOString() : null);

function toApiKeyDto(k: ApiKeyLean): ApiKeyDto {
  return {
    id: String(k._id),
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes ?? [],
    rateLimitPerMinute: k.rateLimitPerMinute ?? 600,
    createdAt: isoOrNull(k.createdAt) ?? new Date(0).toISOString(),
    lastUsedAt: isoOrNull(k.lastUsedAt),
    revokedAt: isoOrNull(k.revokedAt),
  };
}

/** The only time the key itself is returned: MongoDB keeps its SHA-256. */
export async function createApiKey(
  userId: string,
  input: CreateApiKeyInput,
): Promise<ApiKeyDto & { key: string }> {
  const { key, prefix, hash: keyHash } = generateApiKey();
  const doc = await ApiKey.create({ userId, ...input, prefix, hash: keyHash });
  return { ...toApiKeyDto(doc.toObject()), key };
}

export function listApiKeys(userId: string, page: PageRequest): Promise<Page<ApiKeyDto>> {
  return findPage(ApiKey, { userId }, [{ field: '_id', dir: -1 }], page, toApiKeyDto);
}

export async function revokeApiKey(userId: string, id: string): Promise<ApiKeyDto> {
  const doc = await ApiKey.findOneAndUpdate(
    { _id: id, userId },
    { $set: { revokedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean<ApiKeyLean>();
  if (!doc) throw AppError.notFound('API key');
  return toApiKeyDto(doc);
}
