import type { TRPCRouterRecord } from '@trpc/server';
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
  ZUpdateSongInput,
  zPage,
} from '@tonearm/validators';
import { z } from 'zod';
import { adminProcedure, publicProcedure } from '../trpc';
import { ZDeletedOutput } from './outputs';

export const ZSongOutput = z.object({
  id: z.string(),
  title: z.string(),
  artistId: z.string(),
  artistName: z.string(),
  albumId: z.string().nullable(),
  albumTitle: z.string().nullable(),
  trackNumber: z.number().nullable(),
  durationSec: z.number(),
  genre: z.string().nullable(),
  playCount: z.number(),
  status: z.enum(['uploaded', 'transcoding', 'ready', 'failed']),
  /** Album cover prefix: GET <server>/covers/<coverKey><64|300|640>.<avif|webp|jpg>; null = none. */
  coverKey: z.string().nullable().default(null),
});

export const songRouter = {
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZSongOutput)
    .query(({ ctx, input }) => getSong(ctx.deps, input.id)),
  top: publicProcedure
    .input(z.strictObject({ limit: z.number().int().min(1).max(100).default(10) }).default({ limit: 10 }))
    .output(z.array(ZSongOutput))
    .query(({ ctx, input }) => topSongs(ctx.deps, input.limit)),
  list: publicProcedure
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZSongOutput))
    .query(({ ctx, input }) => listSongs(ctx.deps, input)),
  byAlbum: publicProcedure
    .input(ZByAlbumPageInput)
    .output(zPage(ZSongOutput))
    .query(({ ctx, input }) => songsByAlbum(ctx.deps, input.albumId, input)),
  byArtist: publicProcedure
    .input(ZByArtistPageInput)
    .output(zPage(ZSongOutput))
    .query(({ ctx, input }) => songsByArtist(ctx.deps, input.artistId, input)),
  create: adminProcedure
    .input(ZCreateSongInput)
    .output(ZSongOutput)
    .mutation(({ ctx, input }) => createSong(ctx.deps, input)),
  update: adminProcedure
    .input(ZUpdateSongInput)
    .output(ZSongOutput)
    .mutation(({ ctx, input }) => updateSong(ctx.deps, input)),
  delete: adminProcedure
    .input(ZIdInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deleteSong(ctx.deps, input.id)),
} satisfies TRPCRouterRecord;
