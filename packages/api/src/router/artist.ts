import { createArtist, deleteArtist, getArtist, listArtists, updateArtist } from '@tonearm/core';
import {
  ZArtistDto,
  ZCreateArtistInput,
  ZIdInput,
  ZPageOnlyInput,
  ZUpdateArtistInput,
  zPage,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure, publicProcedure } from '../trpc';
import { ZDeletedOutput } from './outputs';

export const artistRouter = {
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZArtistDto)
    .query(({ ctx, input }) => getArtist(ctx.deps, input.id)),
  list: publicProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZArtistDto))
    .query(({ ctx, input }) => listArtists(ctx.deps, input)),
  create: adminProcedure
    .input(ZCreateArtistInput)
    .output(ZArtistDto)
    .mutation(({ ctx, input }) => createArtist(ctx.deps, input)),
  update: adminProcedure
    .input(ZUpdateArtistInput)
    .output(ZArtistDto)
    .mutation(({ ctx, input }) => updateArtist(ctx.deps, input)),
  delete: adminProcedure
    .input(ZIdInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deleteArtist(ctx.deps, input.id)),
} satisfies TRPCRouterRecord;
