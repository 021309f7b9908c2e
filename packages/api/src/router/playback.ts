// playback.start: one CloudFront signature per track played (signed cookies set on the response and
// the same signature as URL parameters), plus loudness and gapless metadata for the player.

import { grantCookieHeaders, startPlayback } from '@tonearm/core';
import { ZObjectId, ZPlaybackGrant } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure } from '../trpc';

export const playbackRouter = {
  start: apiKeyProcedure('playback')
    .input(z.strictObject({ songId: ZObjectId }))
    .output(ZPlaybackGrant)
    .mutation(async ({ ctx, input }) => {
      const grant = await startPlayback(ctx.deps, input.songId);
      for (const c of grantCookieHeaders(grant, grant.masterUrl.startsWith('https:')))
        ctx.resHeaders.append('set-cookie', c);
      return grant;
    }),
} satisfies TRPCRouterRecord;
