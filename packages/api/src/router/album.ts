import { albumsByArtist, createAlbum, deleteAlbum, getAlbum, listAlbums, updateAlbum } from '@tonearm/core';
import {
  ZAlbumDto,
  ZByArtistPageInput,
  ZCreateAlbumInput,
  ZIdInput,
  ZPageOnlyInput,
  ZUpdateAlbumInput,
  zPage,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure, publicProcedure } from '../trpc';
import { ZDeletedOutput } from './outputs';

export const albumRouter = {
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZAlbumDto)
    .query(({ ctx, input }) => getAlbum(ctx.deps, input.id)),
  list: publicProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZAlbumDto))
    .query(({ ctx, input }) => listAlbums(ctx.deps, input)),
  byArtist: publicProcedure
    .input(ZByArtistPageInput)
    .output(zPage(ZAlbumDto))
    .query(({ ctx, input }) => albumsByArtist(ctx.deps, input.artistId, input)),
  create: adminProcedure
    .input(ZCreateAlbumInput)
    .output(ZAlbumDto)
    .mutation(({ ctx, input }) => createAlbum(ctx.deps, input)),
  update: adminProcedure
    .input(ZUpdateAlbumInput)
    .output(ZAlbumDto)
    .mutation(({ ctx, input }) => updateAlbum(ctx.deps, input)),
  delete: adminProcedure
    .input(ZIdInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deleteAlbum(ctx.deps, input.id)),
} satisfies TRPCRouterRecord;
