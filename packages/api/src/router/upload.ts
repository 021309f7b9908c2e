// Uploads: create (validated metadata + declared size → song row + presigned S3 PUT) and finalize
// (checks what arrived, queues the transcode). Thin: validate, authorise, call core.

import { createUpload, finalizeUpload, UPLOAD_CONTENT_TYPES } from '@tonearm/core';
import { ZObjectId, zText } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure } from '../trpc';

export const ZCreateUploadInput = z.strictObject({
  title: zText(200).describe('Song title'),
  artistName: zText(200).describe('Artist name; the artist is created when new'),
  albumTitle: zText(200).optional(),
  albumArtist: zText(200)
    .optional()
    .describe('Album artist the song is filed under (default: the file tag, else the first artist)'),
  trackNumber: z.number().int().min(1).max(999).optional(),
  discNumber: z.number().int().min(1).max(99).optional(),
  genre: zText(60).optional(),
  contentType: z
    .enum(UPLOAD_CONTENT_TYPES)
    .describe(
      'MIME type of the file: MP3, FLAC, Ogg Vorbis, Opus, AAC/M4A, ALAC, WAV or AIFF (decided again by content)',
    ),
  sizeBytes: z.number().int().min(1).describe('Exact size of the file the client will PUT'),
});

export const uploadRouter = {
  create: apiKeyProcedure('uploads:write')
    .input(ZCreateUploadInput)
    .output(
      z.object({
        songId: z.string(),
        uploadUrl: z.string(),
        uploadHeaders: z.record(z.string(), z.string()),
        expiresInSec: z.number(),
      }),
    )
    .mutation(({ ctx, input }) => createUpload(ctx.deps, ctx.userId, input)),
  finalize: apiKeyProcedure('uploads:write')
    .input(z.strictObject({ songId: ZObjectId }))
    .output(
      z.object({ songId: z.string(), status: z.enum(['transcoding', 'ready']), durationSec: z.number() }),
    )
    .mutation(({ ctx, input }) => finalizeUpload(ctx.deps, ctx.userId, input.songId)),
} satisfies TRPCRouterRecord;
