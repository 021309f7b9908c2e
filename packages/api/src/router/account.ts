import {
  avatarUploaded,
  changeEmail,
  changePassword,
  createAvatarUpload,
  deleteAccount,
  signOutOtherSessions,
  updateProfile,
} from '@tonearm/core';
import {
  ZAvatarKeyInput,
  ZAvatarUploadInput,
  ZChangeEmailInput,
  ZChangePasswordInput,
  ZDeleteAccountInput,
  ZUpdateProfileInput,
  ZUserDto,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { sessionProcedure } from '../trpc';

/** Account settings of the signed-in person (a session; API keys cannot touch the account). */
export const accountRouter = {
  updateProfile: sessionProcedure
    .input(ZUpdateProfileInput)
    .output(ZUserDto)
    .mutation(({ ctx, input }) => updateProfile(ctx.deps, ctx.userId, input)),
  /** Mails a link to the new address; the address changes when it is opened. */
  changeEmail: sessionProcedure
    .input(ZChangeEmailInput)
    .output(z.object({ pendingEmail: z.string() }))
    .mutation(({ ctx, input }) => changeEmail(ctx.deps, ctx.userId, input.email, input.password)),
  /** Other sessions end; a notice is mailed. */
  changePassword: sessionProcedure
    .input(ZChangePasswordInput)
    .output(z.object({ ok: z.literal(true), signedOut: z.number() }))
    .mutation(({ ctx, input }) =>
      changePassword(ctx.deps, ctx.userId, ctx.session.sessionId, input.currentPassword, input.newPassword),
    ),
  signOutOthers: sessionProcedure
    .output(z.object({ signedOut: z.number() }))
    .mutation(({ ctx }) => signOutOtherSessions(ctx.deps, ctx.userId, ctx.session.sessionId)),
  /** A presigned, create-only PUT for the avatar original (JPEG, PNG or WebP, up to 5 MB); send `headers`. */
  avatarUpload: sessionProcedure
    .input(ZAvatarUploadInput)
    .output(z.object({ key: z.string(), url: z.string(), headers: z.record(z.string(), z.string()) }))
    .mutation(({ ctx, input }) => createAvatarUpload(ctx.deps, ctx.userId, input.contentType, input.bytes)),
  /** After the PUT: the image job resizes it and the profile shows it. */
  avatarUploaded: sessionProcedure
    .input(ZAvatarKeyInput)
    .output(z.object({ queued: z.literal(true) }))
    .mutation(({ ctx, input }) => avatarUploaded(ctx.deps, ctx.userId, input.key)),
  /** Deletes the account and everything it owns; password and typed handle confirm. */
  delete: sessionProcedure
    .input(ZDeleteAccountInput)
    .output(
      z.object({
        songs: z.number(),
        s3Objects: z.number(),
        playEvents: z.number(),
        playlists: z.number(),
        likes: z.number(),
        follows: z.number(),
        redisKeys: z.number(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const report = await deleteAccount(ctx.deps, ctx.userId, input);
      ctx.resHeaders.append('set-cookie', 'tonearm_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
      return report;
    }),
} satisfies TRPCRouterRecord;
