import { recentlyPlayed, reportPlay } from '@tonearm/core';
import { ZObjectId, ZSongDto } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure } from '../trpc';

export const ZReportPlayInput = z.strictObject({
  eventId: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only')
    .describe('Client-generated id of this play (a UUID); a retried report reuses it'),
  songId: ZObjectId,
  // An ISO 8601 timestamp (what JSON carries for a Date); coercion would accept numbers and booleans.
  startedAt: z
    .union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))])
    .describe('When playback started'),
  playedSec: z
    .number()
    .min(0)
    .max(24 * 3600)
    .describe('Seconds actually listened'),
  completed: z.boolean().default(false),
});

export const playRouter = {
  /** Records a play idempotently by eventId and enqueues its counting; nothing slow runs here. */
  report: apiKeyProcedure('plays:write')
    .input(ZReportPlayInput)
    .output(z.object({ eventId: z.string(), isDuplicate: z.boolean() }))
    .mutation(({ ctx, input }) => reportPlay(ctx.deps, ctx.userId, input)),
  /** The caller's recently played songs, newest first, each once. */
  recent: apiKeyProcedure('library:read')
    .input(z.strictObject({ limit: z.number().int().min(1).max(50).default(10) }).default({ limit: 10 }))
    .output(z.array(z.object({ song: ZSongDto, playedAt: z.string() })))
    .query(({ ctx, input }) => recentlyPlayed(ctx.userId, input.limit)),
} satisfies TRPCRouterRecord;
