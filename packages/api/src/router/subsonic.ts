import { subsonic } from '@tonearm/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { sessionProcedure } from '../trpc';

const ZStatus = z.object({
  exists: z.boolean(),
  createdAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

/**
 * The app password that Subsonic clients (u + t/s token auth) sign in with: one per person, made by
 * the server, shown once, stored encrypted; a new one replaces the old. Only a signed-in person
 * manages it (an API key cannot).
 */
export const subsonicRouter = {
  appPasswordStatus: sessionProcedure
    .output(ZStatus)
    .query(({ ctx }) => subsonic.appPasswordStatus(ctx.userId)),
  createAppPassword: sessionProcedure
    .output(z.object({ password: z.string(), createdAt: z.string() }))
    .mutation(({ ctx }) => subsonic.createAppPassword(ctx.userId)),
  revokeAppPassword: sessionProcedure
    .output(z.object({ revoked: z.boolean() }))
    .mutation(({ ctx }) => subsonic.revokeAppPassword(ctx.userId)),
} satisfies TRPCRouterRecord;
