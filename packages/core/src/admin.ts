// Administration (issue 17): the users page (list, search, disable, promote, password reset by email),
// invite links for SIGNUP_MODE=invite, and the host-side first-admin command (scripts/admin.ts).
import { createHash, randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { publicWebUrl } from '@tonearm/config';
import { ApiKey, Invite, User, type UserDoc } from '@tonearm/db';
import { type AdminUserDto, AppError, type InviteDto } from '@tonearm/validators';

export type { AdminUserDto, InviteDto };

import { mailPasswordReset } from './account-settings';
import { destroyUserSessions, setSessionsRole } from './auth';
import type { CoreDeps } from './deps';
import { toUserDto } from './dto';
import { peopleChanged } from './people';

function toAdminUser(u: UserDoc): AdminUserDto {
  const { listeningVisibility: _v, avatarUrl: _a, ...account } = toUserDto(u);
  return {
    ...account,
    disabled: Boolean(u.disabledAt),
    createdAt: ((u as { createdAt?: Date }).createdAt ?? new Date(0)).toISOString(),
  };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Newest first; `q` matches email, handle or display name (case-insensitive substring). */
export async function adminListUsers(input: { q?: string; limit: number }): Promise<AdminUserDto[]> {
  const filter = input.q
    ? (() => {
        const re = new RegExp(escapeRe(input.q), 'i');
        return { $or: [{ email: re }, { handle: re }, { displayName: re }] };
      })()
    : {};
  const users = await User.find(filter).sort({ _id: -1 }).limit(input.limit).lean<UserDoc[]>();
  return users.map(toAdminUser);
}

async function userOrThrow(userId: string): Promise<UserDoc> {
  const u = await User.findById(userId).lean<UserDoc>();
  if (!u) throw AppError.notFound('User');
  return u;
}

/** Disabling signs the person out everywhere and revokes their API keys; they cannot sign in. */
export async function adminSetDisabled(
  deps: CoreDeps,
  adminId: string,
  userId: string,
  disabled: boolean,
): Promise<AdminUserDto> {
  if (adminId === userId) throw AppError.badRequest('You cannot disable yourself', { field: 'userId' });
  await userOrThrow(userId);
  await User.updateOne({ _id: userId }, { $set: { disabledAt: disabled ? new Date() : null } });
  if (disabled) {
    await destroyUserSessions(deps.redis, userId);
    await ApiKey.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: new Date() } });
  }
  await peopleChanged(deps);
  return toAdminUser(await userOrThrow(userId));
}

export async function adminSetRole(
  deps: CoreDeps,
  adminId: string,
  userId: string,
  role: 'user' | 'admin',
): Promise<AdminUserDto> {
  if (adminId === userId && role !== 'admin')
    throw AppError.badRequest('You cannot remove your own admin role', { field: 'userId' });
  await userOrThrow(userId);
  await User.updateOne({ _id: userId }, { $set: { role } });
  await setSessionsRole(deps.redis, userId, role);
  return toAdminUser(await userOrThrow(userId));
}

/** Mails the person a reset link (the admin never sees or sets the password). */
export async function adminSendPasswordReset(deps: CoreDeps, userId: string): Promise<{ sent: true }> {
  const u = await userOrThrow(userId);
  if (u.disabledAt) throw AppError.badRequest('Enable the account first', { field: 'userId' });
  await mailPasswordReset(deps, u);
  return { sent: true };
}

export async function createInvite(
  adminId: string,
  input: { note: string; days: number },
): Promise<InviteDto> {
  const code = randomBytes(32).toString('base64url');
  const doc = await Invite.create({
    hash: createHash('sha256').update(code).digest('hex'),
    createdBy: adminId,
    note: input.note,
    expiresAt: new Date(Date.now() + input.days * 86_400_000),
  });
  return {
    id: String(doc._id),
    note: doc.note ?? '',
    expiresAt: doc.expiresAt.toISOString(),
    usedAt: null,
    link: `${publicWebUrl()}/signup?invite=${code}`,
  };
}

export async function listInvites(): Promise<InviteDto[]> {
  const docs = await Invite.find({}).sort({ _id: -1 }).limit(100).lean();
  return docs.map((d) => ({
    id: String(d._id),
    note: d.note ?? '',
    expiresAt: d.expiresAt.toISOString(),
    usedAt: d.usedAt ? d.usedAt.toISOString() : null,
  }));
}

/**
 * The host-side first admin: `create` makes a verified admin account with an unusable random
 * password and returns a set-password link (valid 24 h); `promote` makes an existing account admin.
 */
export async function hostCreateAdmin(
  deps: CoreDeps,
  email: string,
  opts: { handle?: string; displayName?: string; mail?: boolean } = {},
): Promise<{ user: AdminUserDto; link: string }> {
  const lower = email.toLowerCase();
  if (await User.exists({ email: lower }))
    throw AppError.conflict('An account with that email exists; use promote');
  const handle = (opts.handle ?? lower.split('@')[0]!.replace(/[^a-z0-9_]/g, '_'))
    .slice(0, 32)
    .padEnd(3, '_');
  const u = await User.create({
    email: lower,
    handle,
    displayName: opts.displayName ?? handle,
    passwordHash: await hash(randomBytes(32).toString('base64url')),
    role: 'admin',
    emailVerifiedAt: new Date(),
  });
  const doc = u.toObject() as UserDoc;
  const { issueToken } = await import('./account-settings');
  const token = await issueToken(String(doc._id), 'passwordReset', 24 * 3600);
  await peopleChanged(deps);
  return { user: toAdminUser(doc), link: `${publicWebUrl()}/reset-password?token=${token}` };
}

export async function hostPromote(deps: CoreDeps, email: string): Promise<AdminUserDto> {
  const u = await User.findOne({ email: email.toLowerCase() }).lean<UserDoc>();
  if (!u) throw AppError.notFound('User');
  await User.updateOne({ _id: u._id }, { $set: { role: 'admin' } });
  await setSessionsRole(deps.redis, String(u._id), 'admin');
  return toAdminUser(await userOrThrow(String(u._id)));
}
