// The admin queue dashboard's API over core's admin-queues service: depth per queue and state, the
// dead-letter list (jobs that failed past their retries, with their reason) and retrying one.
// Admins only (adminProcedure); apps/server/src/admin-queues.ts renders the same service as HTML.

import { failedJobs, queueOverview, retryFailedJob } from '@tonearm/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc';

const ZQueueName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9-]+$/);

export const queueRouter = {
  overview: adminProcedure
    .input(z.strictObject({}).optional())
    .output(z.array(z.object({ queue: z.string(), state: z.string(), count: z.number() })))
    .query(({ ctx }) => queueOverview(ctx.deps)),
  failed: adminProcedure
    .input(z.strictObject({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .output(
      z.array(
        z.object({
          queue: z.string(),
          jobId: z.string(),
          name: z.string(),
          failedReason: z.string(),
          attemptsMade: z.number(),
          failedAt: z.number().nullable(),
        }),
      ),
    )
    .query(({ ctx, input }) => failedJobs(ctx.deps, input.limit)),
  retry: adminProcedure
    .input(z.strictObject({ queue: ZQueueName, jobId: z.string().min(1).max(200) }))
    .output(z.object({ retried: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await retryFailedJob(ctx.deps, input.queue, input.jobId);
      return { retried: true as const };
    }),
} satisfies TRPCRouterRecord;
