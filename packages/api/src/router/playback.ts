// playback.start: one CloudFront signature per track played (signed cookies set on the response and
// the same signature as URL parameters), plus loudness and gapless metadata for the player.
import type { TRPCRouterRecord } from '@trpc/server';
import { grantCookieHeaders, startPlayback } from '@tonearm/core';
import { ZObjectId } from '@tonearm/validators';
import { z } from 'zod';
import { apiKeyProcedure } from '../trpc';

const ZRendition = z.object({
  name: z.string(),
  codec: z
    .enum(['aac', 'flac'])
    .describe(
      'aac: an AAC-LC rung; flac: the lossless rung (FLAC in fMP4, CODECS "fLaC") of a lossless source',
    ),
  bitrateKbps: z.number(),
  bandwidth: z.number(),
  averageBandwidth: z.number(),
  codecs: z.string(),
  primingSamples: z.number().describe('Encoder priming at the start of the decoded stream (samples)'),
  paddingSamples: z.number().describe('Decoder output past the source end (samples)'),
  frames: z.number(),
  gaplessSource: z.enum(['elst', 'metadata']),
  playlist: z.string().describe('Media playlist, relative to the master playlist'),
});

export const ZPlaybackStartOutput = z.object({
  songId: z.string(),
  masterUrl: z.string(),
  signedQuery: z.string(),
  cookies: z.array(
    z.object({ name: z.string(), value: z.string(), path: z.string(), maxAgeSec: z.number() }),
  ),
  expiresAt: z.number(),
  durationSec: z.number(),
  loudness: z.object({
    integratedLufs: z.number().nullable(),
    truePeakDb: z.number().nullable(),
    rangeLu: z.number().nullable(),
  }),
  album: z
    .object({ id: z.string(), loudnessLufs: z.number().nullable(), truePeakDb: z.number().nullable() })
    .nullable()
    .describe("The song's album and its loudness over all its tracks (album-mode normalisation)"),
  gapless: z.object({ sampleRate: z.number(), sourceSamples: z.number(), renditions: z.array(ZRendition) }),
});

export const playbackRouter = {
  start: apiKeyProcedure('playback')
    .input(z.strictObject({ songId: ZObjectId }))
    .output(ZPlaybackStartOutput)
    .mutation(async ({ ctx, input }) => {
      const grant = await startPlayback(ctx.deps, input.songId);
      for (const c of grantCookieHeaders(grant, grant.masterUrl.startsWith('https:')))
        ctx.resHeaders.append('set-cookie', c);
      return grant;
    }),
} satisfies TRPCRouterRecord;
