// The admin queue dashboard's API: depth per queue and state, the dead-letter list (jobs that
// failed past their retries, with their reason) and retrying one. Admins only.

import { requireQueues } from '@tonearm/core';
import { Jobs, listFailed, queueDepths, queueNamesOf, retryFailed } from '@tonearm/queue';
import { AppError } from '@tonearm/validators';
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
    .query(({ ctx }) => queueDepths(requireQueues(ctx.deps), queueNamesOf(Jobs))),
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
    .query(async ({ ctx, input }) => {
      const rows = await listFailed(requireQueues(ctx.deps), queueNamesOf(Jobs), input.limit);
      // Payloads stay out of the listing: they may carry addresses and one-time links.
      return rows.map(({ data: _data, ...r }) => r);
    }),
  retry: adminProcedure
    .input(z.strictObject({ queue: ZQueueName, jobId: z.string().min(1).max(200) }))
    .output(z.object({ retried: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      if (!queueNamesOf(Jobs).includes(input.queue)) throw AppError.notFound('Queue');
      if (!(await retryFailed(requireQueues(ctx.deps), input.queue, input.jobId))) {
        throw AppError.notFound('Failed job');
      }
      return { retried: true as const };
    }),
} satisfies TRPCRouterRecord;
