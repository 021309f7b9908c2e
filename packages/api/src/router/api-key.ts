import { createApiKey, listApiKeys, revokeApiKey } from '@tonearm/core';
import { ZCreateApiKeyInput, ZIdInput, ZPageOnlyInput, zPage } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { sessionProcedure } from '../trpc';

const ZApiKeyOutput = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  rateLimitPerMinute: z.number(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** Keys are managed by a signed-in person only: an API key never mints or revokes keys. */
export const apiKeyRouter = {
  /** Returns the key itself once; afterwards only its prefix is known. */
  create: sessionProcedure
    .input(ZCreateApiKeyInput)
    .output(ZApiKeyOutput.extend({ key: z.string() }))
    .mutation(({ ctx, input }) => createApiKey(ctx.userId, input)),
  list: sessionProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZApiKeyOutput))
    .query(({ ctx, input }) => listApiKeys(ctx.userId, input)),
  revoke: sessionProcedure
    .input(ZIdInput)
    .output(ZApiKeyOutput)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.userId, input.id)),
} satisfies TRPCRouterRecord;
