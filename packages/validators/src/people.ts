// Inputs of the people, account and admin procedures (issue 17): privacy, follow requests, people
// search, account settings, one-time tokens, admin user management and invites.
import { z } from 'zod';
import { ZEmail, ZHandle, ZObjectId, ZPassword, zText } from './common';

export const ZListeningVisibility = z
  .enum(['everyone', 'approved', 'nobody'])
  .describe('Who may see my listening: everyone who follows me, people I approve, nobody');

export const ZPrivacyInput = z.strictObject({ listeningVisibility: ZListeningVisibility });
export type PrivacyInput = z.infer<typeof ZPrivacyInput>;

export const ZRequestIdInput = z.strictObject({ requestId: ZObjectId });

export const ZPeopleSearchInput = z.strictObject({
  q: zText(100).describe('A handle or display name; typos are tolerated'),
  limit: z.number().int().min(1).max(50).default(10),
});
export type PeopleSearchInput = z.infer<typeof ZPeopleSearchInput>;

export const ZSuggestionsInput = z
  .strictObject({ limit: z.number().int().min(1).max(50).default(10) })
  .default({ limit: 10 });

/** A one-time token from a mailed link: 43 base64url characters (32 random bytes). */
export const ZToken = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'This link is malformed; open the link from the email again');

export const ZTokenInput = z.strictObject({ token: ZToken });
export const ZResetPasswordInput = z.strictObject({ token: ZToken, password: ZPassword });
export const ZEmailOnlyInput = z.strictObject({ email: ZEmail });

export const ZUpdateProfileInput = z
  .strictObject({ displayName: zText(80).optional(), handle: ZHandle.optional() })
  .refine((v) => v.displayName !== undefined || v.handle !== undefined, 'Nothing to change');
export type UpdateProfileInput = z.infer<typeof ZUpdateProfileInput>;

export const ZChangeEmailInput = z.strictObject({ email: ZEmail, password: ZPassword });
export const ZChangePasswordInput = z.strictObject({
  currentPassword: ZPassword,
  newPassword: ZPassword,
});
export const ZDeleteAccountInput = z.strictObject({
  password: ZPassword,
  /** The person types their handle to confirm. */
  confirmHandle: ZHandle,
});

export const AVATAR_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const ZAvatarUploadInput = z.strictObject({
  contentType: z.enum(AVATAR_CONTENT_TYPES),
  bytes: z
    .number()
    .int()
    .min(1)
    .max(5 * 1024 * 1024),
});
export const ZAvatarKeyInput = z.strictObject({
  key: z
    .string()
    .max(200)
    .regex(/^avatars\/[a-f0-9]{24}\/src-[A-Za-z0-9_-]{8,32}$/, 'not an avatar upload key'),
});

export const ZAdminUsersInput = z
  .strictObject({
    q: zText(100).optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .default({ limit: 50 });
export const ZAdminUserInput = z.strictObject({ userId: ZObjectId });
export const ZAdminDisableInput = z.strictObject({ userId: ZObjectId, disabled: z.boolean() });
export const ZCreateInviteInput = z
  .strictObject({
    note: z.string().trim().max(200).default(''),
    days: z.number().int().min(1).max(90).default(7),
  })
  .default({ note: '', days: 7 });

/** An invite code from an admin-issued link. */
export const ZInviteCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'This invite link is malformed');
