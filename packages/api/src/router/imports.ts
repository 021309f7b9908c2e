// The admin page of library imports (`/admin/imports`): recent runs of `pnpm import` with live counts.

import { listImportRuns } from '@tonearm/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc';

const ZImportRun = z.object({
  id: z.string(),
  status: z.enum(['scanning', 'importing', 'transcoding', 'done', 'failed']),
  source: z.enum(['cli', 'upload']),
  paths: z.array(z.string()),
  files: z.number(),
  scanned: z.number(),
  audio: z.number(),
  imported: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  duplicates: z.number(),
  skipped: z.number(),
  queued: z.number(),
  ready: z.number(),
  failed: z.number(),
  durationSec: z.number(),
  progress: z.number().min(0).max(1).describe('0..1: files read are the first half, transcodes the second'),
  running: z.boolean(),
  stalled: z.boolean().describe('Running but no progress for 10 minutes (the command stopped)'),
  error: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const importsRouter = {
  /** Recent imports, newest first. */
  list: adminProcedure
    .input(z.strictObject({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .output(z.array(ZImportRun))
    .query(({ input }) => listImportRuns(input.limit)),
} satisfies TRPCRouterRecord;
