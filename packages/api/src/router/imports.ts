// The admin page of library imports (`/admin/imports`): recent runs of `pnpm import` with live counts.

import { listImportRuns } from '@tonearm/core';
import { ZImportRunView } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc';

export const importsRouter = {
  /** Recent imports, newest first. */
  list: adminProcedure
    .input(z.strictObject({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .output(z.array(ZImportRunView))
    .query(({ input }) => listImportRuns(input.limit)),
} satisfies TRPCRouterRecord;
