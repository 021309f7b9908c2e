// Account lifecycle beyond sign-in (issue 17): email verification (on sign-up and on an email change),
// password reset with single-use expiring tokens (only their SHA-256 is stored), password change with a
// notice, signing out other sessions, profile edits and avatar uploads (deleting an account is
// account-deletion.ts). Mail is only enqueued here; the email job sends it.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { env, publicWebUrl } from '@tonearm/config';
import { AccountToken, type AccountTokenKind, User, type UserDoc } from '@tonearm/db';
import { AppError } from '@tonearm/validators';
import { Types } from 'mongoose';
import { destroyUserSessions, type Role, setSessionsRole } from './auth';
import { SocialCache } from './cache-keys';
import { type CoreDeps, requireMedia, requireQueues } from './deps';
import { toUserDto, type UserDto } from './dto';
import { enqueuePasswordChangedEmail, enqueuePasswordResetEmail, enqueueVerifyEmail } from './email';
import { enqueueCover } from './media/covers';
import { peopleChanged } from './people';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function adminEmailSet(): Set<string> {
  return new Set(
    env()
      .ADMIN_EMAILS.split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** A new one-time token of `kind` for the user; earlier unused ones of that kind stop working. */
export async function issueToken(
  userId: string,
  kind: AccountTokenKind,
  ttlSeconds: number,
  email: string | null = null,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await AccountToken.deleteMany({ userId: new Types.ObjectId(userId), kind, usedAt: null });
  await AccountToken.create({
    userId,
    kind,
    hash: sha256(token),
    email,
    expiresAt: new Date(Date.now() + ttlSeconds * 1000),
  });
  return token;
}

const what: Record<AccountTokenKind, string> = {
  verifyEmail: 'verification link',
  passwordReset: 'password reset link',
};

/**
 * Spends a token exactly once. Unknown, used and expired tokens are refused with distinct, clear
 * messages (details.reason: TOKEN_INVALID, TOKEN_USED, TOKEN_EXPIRED); two concurrent uses → one wins.
 */
export async function consumeToken(kind: AccountTokenKind, token: string) {
  const h = sha256(token);
  const doc = await AccountToken.findOne({ hash: h, kind }).lean();
  if (!doc) throw AppError.badRequest(`This ${what[kind]} is not valid`, { reason: 'TOKEN_INVALID' });
  if (doc.usedAt)
    throw AppError.badRequest(`This ${what[kind]} was already used; ask for a new one`, {
      reason: 'TOKEN_USED',
    });
  if (doc.expiresAt.getTime() <= Date.now())
    throw AppError.badRequest(`This ${what[kind]} has expired; ask for a new one`, {
      reason: 'TOKEN_EXPIRED',
    });
  const spent = await AccountToken.findOneAndUpdate(
    { _id: doc._id, usedAt: null },
    { $set: { usedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean();
  if (!spent)
    throw AppError.badRequest(`This ${what[kind]} was already used; ask for a new one`, {
      reason: 'TOKEN_USED',
    });
  return spent;
}

/** Mails a verification link for `email` (the account's, or the new one on an email change). */
export async function sendVerification(
  deps: CoreDeps,
  user: { id: string; displayName: string },
  email: string,
): Promise<void> {
  const token = await issueToken(user.id, 'verifyEmail', env().EMAIL_VERIFY_TTL_SECONDS, email);
  await enqueueVerifyEmail(
    deps,
    { email, name: user.displayName },
    `${publicWebUrl()}/verify-email?token=${token}`,
  );
}

/** Marks the address verified; an address listed in ADMIN_EMAILS gains the admin role only now. */
async function markVerified(deps: CoreDeps, userId: string, email: string): Promise<UserDoc> {
  const grantAdmin = adminEmailSet().has(email.toLowerCase());
  const set: Record<string, unknown> = { email, emailVerifiedAt: new Date() };
  if (grantAdmin) set.role = 'admin';
  let u: UserDoc | null;
  try {
    u = await User.findOneAndUpdate(
      { _id: userId },
      { $set: set },
      { returnDocument: 'after' },
    ).lean<UserDoc>();
  } catch (e) {
    if ((e as { code?: number }).code === 11000)
      throw AppError.conflict('That email address now belongs to another account', { field: 'email' });
    throw e;
  }
  if (!u) throw AppError.notFound('User');
  if (grantAdmin) await setSessionsRole(deps.redis, userId, 'admin');
  return u;
}

export async function verifyEmail(deps: CoreDeps, token: string): Promise<UserDto> {
  const t = await consumeToken('verifyEmail', token);
  const u = await markVerified(deps, String(t.userId), t.email ?? '');
  return toUserDto(u);
}

export async function resendVerification(deps: CoreDeps, userId: string): Promise<{ sent: boolean }> {
  const u = await User.findById(userId).lean<UserDoc>();
  if (!u) throw AppError.notFound('User');
  if (u.emailVerifiedAt) return { sent: false };
  await sendVerification(deps, { id: userId, displayName: u.displayName }, u.email);
  return { sent: true };
}

/** Always answers the same (no account enumeration); mails a reset link when the account exists. */
export async function requestPasswordReset(deps: CoreDeps, email: string): Promise<{ ok: true }> {
  const u = await User.findOne({ email, disabledAt: null }).lean<UserDoc>();
  if (u) await mailPasswordReset(deps, u);
  return { ok: true };
}

export async function mailPasswordReset(deps: CoreDeps, u: UserDoc, ttlSeconds?: number): Promise<string> {
  const token = await issueToken(
    String(u._id),
    'passwordReset',
    ttlSeconds ?? env().PASSWORD_RESET_TTL_SECONDS,
  );
  const link = `${publicWebUrl()}/reset-password?token=${token}`;
  await enqueuePasswordResetEmail(deps, { email: u.email, name: u.displayName }, link);
  return link;
}

async function notifyPasswordChanged(
  deps: CoreDeps,
  u: { _id: unknown; email: string; displayName: string },
) {
  await enqueuePasswordChangedEmail(deps, { id: String(u._id), email: u.email, name: u.displayName });
}

/** Sets a new password from a reset link: every session ends, the address counts as verified. */
export async function resetPassword(deps: CoreDeps, token: string, password: string): Promise<{ ok: true }> {
  const t = await consumeToken('passwordReset', token);
  const userId = String(t.userId);
  const u = await User.findOneAndUpdate(
    { _id: userId },
    { $set: { passwordHash: await hash(password) } },
    { returnDocument: 'after' },
  ).lean<UserDoc>();
  if (!u) throw AppError.notFound('User');
  if (!u.emailVerifiedAt) await markVerified(deps, userId, u.email);
  await destroyUserSessions(deps.redis, userId);
  await notifyPasswordChanged(deps, u);
  return { ok: true };
}

export async function checkPassword(userId: string, password: string): Promise<UserDoc> {
  const u = await User.findById(userId).select('+passwordHash').lean<UserDoc>();
  if (!u) throw AppError.notFound('User');
  const ok = await verify(u.passwordHash, password).catch(() => false);
  if (!ok) throw AppError.badRequest('Your current password is not right', { field: 'password' });
  return u;
}

export async function changePassword(
  deps: CoreDeps,
  userId: string,
  sessionId: string,
  current: string,
  next: string,
): Promise<{ ok: true; signedOut: number }> {
  const u = await checkPassword(userId, current);
  await User.updateOne({ _id: userId }, { $set: { passwordHash: await hash(next) } });
  const signedOut = await destroyUserSessions(deps.redis, userId, sessionId);
  await notifyPasswordChanged(deps, u);
  return { ok: true, signedOut };
}

export async function signOutOtherSessions(
  deps: CoreDeps,
  userId: string,
  sessionId: string,
): Promise<{ signedOut: number }> {
  return { signedOut: await destroyUserSessions(deps.redis, userId, sessionId) };
}

/** A new address is used only once its link is opened; until then the old one stays. */
export async function changeEmail(
  deps: CoreDeps,
  userId: string,
  email: string,
  password: string,
): Promise<{ pendingEmail: string }> {
  const u = await checkPassword(userId, password);
  if (u.email === email) throw AppError.badRequest('That is already your address', { field: 'email' });
  if (await User.exists({ email }))
    throw AppError.conflict('That email address is taken', { field: 'email' });
  await sendVerification(deps, { id: userId, displayName: u.displayName }, email);
  return { pendingEmail: email };
}

export async function updateProfile(
  deps: CoreDeps,
  userId: string,
  input: { displayName?: string; handle?: string },
): Promise<UserDto> {
  const before = await User.findById(userId, { handle: 1 }).lean();
  if (!before) throw AppError.notFound('User');
  let u: UserDoc | null;
  try {
    u = await User.findOneAndUpdate(
      { _id: userId },
      { $set: input },
      { returnDocument: 'after' },
    ).lean<UserDoc>();
  } catch (e) {
    if ((e as { code?: number }).code === 11000)
      throw AppError.conflict('That handle is taken', { field: 'handle' });
    throw e;
  }
  await deps.cache.invalidate(
    SocialCache.profile,
    before.handle.toLowerCase(),
    (input.handle ?? '').toLowerCase(),
  );
  await peopleChanged(deps);
  return toUserDto(u!);
}

// --- avatar -----------------------------------------------------------------------------

/** A presigned PUT for the avatar original; finish with avatarUploaded(key). */
export async function createAvatarUpload(
  deps: CoreDeps,
  userId: string,
  contentType: string,
  bytes: number,
): Promise<{ key: string; url: string; headers: Record<string, string> }> {
  const media = requireMedia(deps);
  const key = `avatars/${userId}/src-${randomBytes(9).toString('base64url')}`;
  // Create-only (If-None-Match: * signed), like song uploads: the URL writes the original once, so
  // what the image job reads cannot be replaced after avatarUploaded.
  const url = await media.storage.presignPut(key, contentType, bytes, 600, { createOnly: true });
  return { key, url, headers: { 'content-type': contentType, 'if-none-match': '*' } };
}

/** The original is in S3: the cover/image job resizes it (kind 'user') and sets avatarKey. */
export async function avatarUploaded(deps: CoreDeps, userId: string, key: string): Promise<{ queued: true }> {
  if (!key.startsWith(`avatars/${userId}/`)) throw AppError.forbidden('Not your upload');
  const media = requireMedia(deps);
  const head = await media.storage.head(key);
  if (!head) throw AppError.badRequest('Upload the image first', { field: 'key' });
  if (head.size > 5 * 1024 * 1024) throw AppError.badRequest('Images up to 5 MB', { field: 'key' });
  await enqueueCover(requireQueues(deps), { kind: 'user', id: userId }, key);
  await peopleChanged(deps);
  return { queued: true };
}

export type { Role };
