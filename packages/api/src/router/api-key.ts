import { createApiKey, listApiKeys, revokeApiKey } from '@tonearm/core';
import { ZApiKeyDto, ZCreateApiKeyInput, ZIdInput, ZPageOnlyInput, zPage } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { sessionProcedure } from '../trpc';

/** Keys are managed by a signed-in person only: an API key never mints or revokes keys. */
export const apiKeyRouter = {
  /** Returns the key itself once; afterwards only its prefix is known. */
  create: sessionProcedure
    .input(ZCreateApiKeyInput)
    .output(ZApiKeyDto.extend({ key: z.string() }))
    .mutation(({ ctx, input }) => createApiKey(ctx.userId, input)),
  list: sessionProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZApiKeyDto))
    .query(({ ctx, input }) => listApiKeys(ctx.userId, input)),
  revoke: sessionProcedure
    .input(ZIdInput)
    .output(ZApiKeyDto)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.userId, input.id)),
} satisfies TRPCRouterRecord;
