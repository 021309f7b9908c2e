import {
  addSongs,
  createPlaylist,
  deletePlaylist,
  getPlaylist,
  moveEntry,
  myPlaylists,
  publicPlaylistsOf,
  removeEntry,
  setPlaylistVisibility,
  updatePlaylist,
} from '@tonearm/core';
import {
  ZAddSongsInput,
  ZCreatePlaylistInput,
  ZDeletePlaylistInput,
  ZIdInput,
  ZMoveEntryInput,
  ZPageOnlyInput,
  ZRemoveEntryInput,
  ZSetVisibilityInput,
  ZSongDto,
  ZUpdatePlaylistInput,
  ZUserPageInput,
  zPage,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure, publicProcedure } from '../trpc';
import { ZDeletedOutput } from './outputs';

const playlistFields = {
  id: z.string(),
  ownerId: z.string(),
  name: z.string(),
  description: z.string(),
  isPublic: z.boolean(),
  /** Send it back with the next edit; a stale one gets CONFLICT. */
  revision: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
};
const ZEntry = z.object({ entryId: z.string(), songId: z.string(), addedAt: z.string() });
const ZPlaylistOutput = z.object({ ...playlistFields, entries: z.array(ZEntry) });
const ZPlaylistWithSongsOutput = z.object({
  ...playlistFields,
  entries: z.array(ZEntry.extend({ song: ZSongDto.nullable() })),
});
const ZPlaylistSummaryOutput = z.object({ ...playlistFields, entryCount: z.number() });

const write = apiKeyProcedure('playlists:write');

export const playlistRouter = {
  /** Public playlists to anyone; private ones only to their owner (NOT_FOUND to everyone else). */
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZPlaylistWithSongsOutput)
    .query(({ ctx, input }) => {
      const viewer =
        ctx.session?.userId ?? (ctx.apiKey?.scopes.includes('playlists:read') ? ctx.apiKey.userId : null);
      return getPlaylist(ctx.deps, input.id, viewer);
    }),
  mine: apiKeyProcedure('playlists:read')
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZPlaylistSummaryOutput))
    .query(({ ctx, input }) => myPlaylists(ctx.deps, ctx.userId, input)),
  byUser: publicProcedure
    .input(ZUserPageInput)
    .output(zPage(ZPlaylistSummaryOutput))
    .query(({ ctx, input }) => publicPlaylistsOf(ctx.deps, input.userId, input)),
  create: write
    .input(ZCreatePlaylistInput)
    .output(ZPlaylistOutput)
    .mutation(({ ctx, input }) => createPlaylist(ctx.deps, ctx.userId, input)),
  update: write
    .input(ZUpdatePlaylistInput)
    .output(ZPlaylistOutput)
    .mutation(({ ctx, input }) => updatePlaylist(ctx.deps, ctx.userId, input)),
  addSongs: write
    .input(ZAddSongsInput)
    .output(ZPlaylistOutput)
    .mutation(({ ctx, input }) => addSongs(ctx.deps, ctx.userId, input)),
  removeEntry: write
    .input(ZRemoveEntryInput)
    .output(ZPlaylistOutput)
    .mutation(({ ctx, input }) => removeEntry(ctx.deps, ctx.userId, input)),
  move: write
    .input(ZMoveEntryInput)
    .output(ZPlaylistOutput)
    .mutation(({ ctx, input }) => moveEntry(ctx.deps, ctx.userId, input)),
  setVisibility: write
    .input(ZSetVisibilityInput)
    .output(ZPlaylistOutput)
    .mutation(({ ctx, input }) => setPlaylistVisibility(ctx.deps, ctx.userId, input)),
  delete: write
    .input(ZDeletePlaylistInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deletePlaylist(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
