// Library imports (`pnpm import`, multi-file browser uploads) as they leave the domain: the run's
// statuses (the ImportRun model's enum) and the admin page's view of a run (`imports.list`'s output;
// core's ImportRunView is its z.infer).
import { z } from 'zod';

export const IMPORT_STATUSES = ['scanning', 'importing', 'transcoding', 'done', 'failed'] as const;
export const IMPORT_SOURCES = ['cli', 'upload'] as const;

export const ZImportRunView = z.object({
  id: z.string(),
  status: z.enum(IMPORT_STATUSES),
  source: z.enum(IMPORT_SOURCES),
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
  stalled: z
    .boolean()
    .describe(
      'Running but no progress for STALLED_AFTER_MS, 10 minutes (the command was stopped or crashed)',
    ),
  error: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportRunView = z.infer<typeof ZImportRunView>;
