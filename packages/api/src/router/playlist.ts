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
  ZPlaylistDto,
  ZPlaylistSummaryDto,
  ZPlaylistWithSongsDto,
  ZRemoveEntryInput,
  ZSetVisibilityInput,
  ZUpdatePlaylistInput,
  ZUserPageInput,
  zPage,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { apiKeyProcedure, publicProcedure } from '../trpc';
import { ZDeletedOutput } from './outputs';

const write = apiKeyProcedure('playlists:write');

export const playlistRouter = {
  /** Public playlists to anyone; private ones only to their owner (NOT_FOUND to everyone else). */
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZPlaylistWithSongsDto)
    .query(({ ctx, input }) => {
      const viewer =
        ctx.session?.userId ?? (ctx.apiKey?.scopes.includes('playlists:read') ? ctx.apiKey.userId : null);
      return getPlaylist(ctx.deps, input.id, viewer);
    }),
  mine: apiKeyProcedure('playlists:read')
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(ZPlaylistSummaryDto))
    .query(({ ctx, input }) => myPlaylists(ctx.deps, ctx.userId, input)),
  byUser: publicProcedure
    .input(ZUserPageInput)
    .output(zPage(ZPlaylistSummaryDto))
    .query(({ ctx, input }) => publicPlaylistsOf(ctx.deps, input.userId, input)),
  create: write
    .input(ZCreatePlaylistInput)
    .output(ZPlaylistDto)
    .mutation(({ ctx, input }) => createPlaylist(ctx.deps, ctx.userId, input)),
  update: write
    .input(ZUpdatePlaylistInput)
    .output(ZPlaylistDto)
    .mutation(({ ctx, input }) => updatePlaylist(ctx.deps, ctx.userId, input)),
  addSongs: write
    .input(ZAddSongsInput)
    .output(ZPlaylistDto)
    .mutation(({ ctx, input }) => addSongs(ctx.deps, ctx.userId, input)),
  removeEntry: write
    .input(ZRemoveEntryInput)
    .output(ZPlaylistDto)
    .mutation(({ ctx, input }) => removeEntry(ctx.deps, ctx.userId, input)),
  move: write
    .input(ZMoveEntryInput)
    .output(ZPlaylistDto)
    .mutation(({ ctx, input }) => moveEntry(ctx.deps, ctx.userId, input)),
  setVisibility: write
    .input(ZSetVisibilityInput)
    .output(ZPlaylistDto)
    .mutation(({ ctx, input }) => setPlaylistVisibility(ctx.deps, ctx.userId, input)),
  delete: write
    .input(ZDeletePlaylistInput)
    .output(ZDeletedOutput)
    .mutation(({ ctx, input }) => deletePlaylist(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
