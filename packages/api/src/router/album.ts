import type { TRPCRouterRecord } from '@trpc/server';
import { albumsByArtist, createAlbum, deleteAlbum, getAlbum, listAlbums, updateAlbum } from '@tonearm/core';
import {
  ZByArtistPageInput,
  ZCreateAlbumInput,
  ZIdInput,
  ZPageOnlyInput,
  ZUpdateAlbumInput,
  zPage,
} from '@tonearm/validators';
import { adminProcedure, publicProcedure } from '../trpc';
import { ZAlbumOutput, ZDeletedOutput } from './outputs';

export const albumRouter = {
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZAlbumOutput)
    .query(({ ctx, input }) => getAlbum(ctx.deps, input.id)),
  list: publicProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZAlbumOutput))
    .query(({ ctx, input }) => listAlbums(ctx.deps, input)),
  byArtist: publicProcedure
    .input(ZByArtistPageInput)
    .output(zPage(ZAlbumOutput))
    .query(({ ctx, input }) => albumsByArtist(ctx.deps, input.artistId, input)),
  create: adminProcedure
    .input(ZCreateAlbumInput)
    .output(ZAlbumOutput)
    .mutation(({ ctx, input }) => createAlbum(ctx.deps, input)),
  update: adminProcedure
    .input(ZUpdateAlbumInput)
    .output(ZAlbumOutput)
    .mutation(({ ctx, input }) => updateAlbum(ctx.deps, input)),
  delete: adminProcedure
    .input(ZIdInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deleteAlbum(ctx.deps, input.id)),
} satisfies TRPCRouterRecord;
