import {
  createSong,
  deleteSong,
  getSong,
  listSongs,
  songsByAlbum,
  songsByArtist,
  topSongs,
  updateSong,
} from '@tonearm/core';
import {
  ZByAlbumPageInput,
  ZByArtistPageInput,
  ZCreateSongInput,
  ZIdInput,
  ZPageOnlyInput,
  ZSongDto,
  ZUpdateSongInput,
  zPage,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, publicProcedure } from '../trpc';
import { ZDeletedOutput } from './outputs';

export const songRouter = {
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZSongDto)
    .query(({ ctx, input }) => getSong(ctx.deps, input.id)),
  top: publicProcedure
    .input(z.strictObject({ limit: z.number().int().min(1).max(100).default(10) }).default({ limit: 10 }))
    .output(z.array(ZSongDto))
    .query(({ ctx, input }) => topSongs(ctx.deps, input.limit)),
  list: publicProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZSongDto))
    .query(({ ctx, input }) => listSongs(ctx.deps, input)),
  byAlbum: publicProcedure
    .input(ZByAlbumPageInput)
    .output(zPage(ZSongDto))
    .query(({ ctx, input }) => songsByAlbum(ctx.deps, input.albumId, input)),
  byArtist: publicProcedure
    .input(ZByArtistPageInput)
    .output(zPage(ZSongDto))
    .query(({ ctx, input }) => songsByArtist(ctx.deps, input.artistId, input)),
  create: adminProcedure
    .input(ZCreateSongInput)
    .output(ZSongDto)
    .mutation(({ ctx, input }) => createSong(ctx.deps, input)),
  update: adminProcedure
    .input(ZUpdateSongInput)
    .output(ZSongDto)
    .mutation(({ ctx, input }) => updateSong(ctx.deps, input)),
  delete: adminProcedure
    .input(ZIdInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deleteSong(ctx.deps, input.id)),
} satisfies TRPCRouterRecord;
