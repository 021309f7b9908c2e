import type { TRPCRouterRecord } from '@trpc/server';
import { createArtist, deleteArtist, getArtist, listArtists, updateArtist } from '@tonearm/core';
import { ZCreateArtistInput, ZIdInput, ZPageOnlyInput, ZUpdateArtistInput, zPage } from '@tonearm/validators';
import { adminProcedure, publicProcedure } from '../trpc';
import { ZArtistOutput, ZDeletedOutput } from './outputs';

export const artistRouter = {
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZArtistOutput)
    .query(({ ctx, input }) => getArtist(ctx.deps, input.id)),
  list: publicProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZArtistOutput))
    .query(({ ctx, input }) => listArtists(ctx.deps, input)),
  create: adminProcedure
    .input(ZCreateArtistInput)
    .output(ZArtistOutput)
    .mutation(({ ctx, input }) => createArtist(ctx.deps, input)),
  update: adminProcedure
    .input(ZUpdateArtistInput)
    .output(ZArtistOutput)
    .mutation(({ ctx, input }) => updateArtist(ctx.deps, input)),
  delete: adminProcedure
    .input(ZIdInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deleteArtist(ctx.deps, input.id)),
} satisfies TRPCRouterRecord;
