// Accounts: sign up, log in, log out, the current user, and API keys. Passwords are hashed with
// Argon2id (@node-rs/argon2, OWASP's recommended parameters are its defaults); sessions and the
// cookie format live in auth.ts.
import { hash, verify } from '@node-rs/argon2';
import { assertStrongPassword } from './password-policy';
import { env } from '@tonearm/config';
import { ApiKey, User, type UserDoc } from '@tonearm/db';
import {
  AppError,
  type CreateApiKeyInput,
  type LogInInput,
  type Page,
  type SignUpInput,
} from '@tonearm/validators';
import {
  clearSessionCookie,
  createSession,
  destroySession,
  generateApiKey,
  type Role,
  sessionCookie,
} from './auth';
import type { CoreDeps } from './deps';
import { toUserDto, type UserDto } from './dto';
import { findPage, type PageRequest } from './pagination';

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

function adminEmails(): Set<string> {
  return new Set(
    env()
      .ADMIN_EMAILS.split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );
}

async function startSession(deps: CoreDeps, user: UserDoc, resHeaders: Headers): Promise<void> {
  const ttl = env().SESSION_TTL_SECONDS;
  const sid = await createSession(deps.redis, { userId: String(user._id), role: user.role as Role }, ttl);
  resHeaders.append('set-cookie', sessionCookie(sid, ttl, secureCookies()));
}

/** Creates the account (duplicate email or handle → CONFLICT from the unique index) and signs in. */
export async function signUp(deps: CoreDeps, input: SignUpInput, resHeaders: Headers): Promise<UserDto> {
  const { password, ...profile } = input;
  assertStrongPassword(password, [input.email, input.email.split('@')[0]!, input.handle, input.displayName]);
  const passwordHash = await hash(password);
  const role: Role = adminEmails().has(input.email) ? 'admin' : 'user';
  const doc = await User.create({ ...profile, passwordHash, role });
  const user = doc.toObject() as UserDoc;
  await startSession(deps, user, resHeaders);
  return toUserDto(user);
}

export async function logIn(deps: CoreDeps, input: LogInInput, resHeaders: Headers): Promise<UserDto> {
  const user = await User.findOne({ email: input.email }).select('+passwordHash').lean<UserDoc>();
  dummyHash ??= hash('not-a-real-password-just-timing');
  const ok = await verify(user?.passwordHash ?? (await dummyHash), input.password).catch(() => false);
  if (!user || !ok) throw AppError.unauthorized('Wrong email or password');
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

export type ApiKeyDto = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimitPerMinute: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

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
