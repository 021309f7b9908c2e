import type { TRPCRouterRecord } from '@trpc/server';
import { getMe, logIn, logOut, signUp } from '@tonearm/core';
import { ZLogInInput, ZSignUpInput } from '@tonearm/validators';
import { z } from 'zod';
import { publicProcedure, sessionProcedure } from '../trpc';
import { ZUserOutput } from './outputs';

export const authRouter = {
  /** Creates the account and signs in (sets the httpOnly session cookie). */
  signUp: publicProcedure
    .input(ZSignUpInput)
    .output(ZUserOutput)
    .mutation(({ ctx, input }) => signUp(ctx.deps, input, ctx.resHeaders)),
  logIn: publicProcedure
    .input(ZLogInInput)
    .output(ZUserOutput)
    .mutation(({ ctx, input }) => logIn(ctx.deps, input, ctx.resHeaders)),
  logOut: sessionProcedure
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx }) => logOut(ctx.deps, ctx.session.sessionId, ctx.resHeaders)),
  /** The signed-in person, or null. */
  me: publicProcedure.output(ZUserOutput.nullable()).query(({ ctx }) => {
    const userId = ctx.session?.userId ?? ctx.apiKey?.userId;
    return userId ? getMe(userId) : null;
  }),
} satisfies TRPCRouterRecord;
