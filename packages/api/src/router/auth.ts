import {
  getMe,
  logIn,
  logOut,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signUp,
  signUpMode,
  verifyEmail,
} from '@tonearm/core';
import {
  ZEmailOnlyInput,
  ZLogInInput,
  ZResetPasswordInput,
  ZSignUpInput,
  ZTokenInput,
  ZUserDto,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, sessionProcedure } from '../trpc';

export const authRouter = {
  /** Creates the account and signs in (sets the httpOnly session cookie). */
  signUp: publicProcedure
    .input(ZSignUpInput)
    .output(ZUserDto)
    .mutation(({ ctx, input }) => signUp(ctx.deps, input, ctx.resHeaders)),
  logIn: publicProcedure
    .input(ZLogInInput)
    .output(ZUserDto)
    .mutation(({ ctx, input }) => logIn(ctx.deps, input, ctx.resHeaders)),
  logOut: sessionProcedure
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx }) => logOut(ctx.deps, ctx.session.sessionId, ctx.resHeaders)),
  /** The signed-in person, or null. */
  me: publicProcedure.output(ZUserDto.nullable()).query(({ ctx }) => {
    const userId = ctx.session?.userId ?? ctx.apiKey?.userId;
    return userId ? getMe(userId) : null;
  }),
  /** open | invite | closed (SIGNUP_MODE), shown on the sign-in and sign-up pages. */
  signUpMode: publicProcedure
    .output(z.object({ mode: z.enum(['open', 'invite', 'closed']) }))
    .query(() => signUpMode()),
  /** Opens the link of a verification mail: the address (new one after an email change) is verified. */
  verifyEmail: publicProcedure
    .input(ZTokenInput)
    .output(ZUserDto)
    .mutation(({ ctx, input }) => verifyEmail(ctx.deps, input.token)),
  resendVerification: sessionProcedure
    .input(z.strictObject({}).optional())
    .output(z.object({ sent: z.boolean() }))
    .mutation(({ ctx }) => resendVerification(ctx.deps, ctx.userId)),
  /** Always { ok: true }; mails a single-use link (PASSWORD_RESET_TTL_SECONDS) if the account exists. */
  requestPasswordReset: publicProcedure
    .input(ZEmailOnlyInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => requestPasswordReset(ctx.deps, input.email)),
  /** Spends the token once; every session of the account ends. */
  resetPassword: publicProcedure
    .input(ZResetPasswordInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => resetPassword(ctx.deps, input.token, input.password)),
} satisfies TRPCRouterRecord;
