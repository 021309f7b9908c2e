// Input schemas of every procedure, shared by the server (validation) and clients (forms). Each is a
// strict object built from the primitives in common.ts: unknown keys, "$" keys and unbounded strings
// are rejected before anything reaches a query.
import { z } from 'zod';
import { ZCursor, ZEmail, ZHandle, ZObjectId, ZPassword, zLongText, zText } from './common';

const page = {
  cursor: ZCursor.optional().describe('Opaque cursor from the previous page'),
  limit: z.number().int().min(1).max(100).default(20),
};

// --- accounts ---------------------------------------------------------------------------
export const ZSignUpInput = z.strictObject({
  email: ZEmail,
  handle: ZHandle,
  displayName: zText(80),
  password: ZPassword,
  /** The code of an admin-issued invite link (required when SIGNUP_MODE=invite). */
  invite: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'This invite link is malformed')
    .optional(),
});
export type SignUpInput = z.infer<typeof ZSignUpInput>;

export const ZLogInInput = z.strictObject({ email: ZEmail, password: ZPassword });
export type LogInInput = z.infer<typeof ZLogInInput>;

export const API_KEY_SCOPES = [
  'library:read',
  'library:write',
  'playlists:read',
  'playlists:write',
  'playback',
  'plays:write',
  'uploads:write',
  'social:read',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * The most calls per minute an API key may be given (its owner chooses up to this): twice the default
 * key budget, as much as a signed-in person (docs/SECURITY.md). Keys stored with more are clamped.
 */
export const MAX_API_KEY_RATE_LIMIT = 1200;

export const ZCreateApiKeyInput = z.strictObject({
  name: zText(80),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(API_KEY_SCOPES.length),
  rateLimitPerMinute: z.number().int().min(1).max(MAX_API_KEY_RATE_LIMIT).default(600),
});
export type CreateApiKeyInput = z.infer<typeof ZCreateApiKeyInput>;

// --- catalog ----------------------------------------------------------------------------
export const ZPageOnlyInput = z.strictObject(page);
export const ZByArtistPageInput = z.strictObject({ artistId: ZObjectId, ...page });
export const ZByAlbumPageInput = z.strictObject({ albumId: ZObjectId, ...page });

const genre = zText(60);
export const ZCreateArtistInput = z.strictObject({
  name: zText(200),
  genres: z.array(genre).max(10).default([]),
  bio: zLongText(5000).default(''),
});
export const ZUpdateArtistInput = z.strictObject({
  id: ZObjectId,
  name: zText(200).optional(),
  genres: z.array(genre).max(10).optional(),
  bio: zLongText(5000).optional(),
});
export const ZCreateAlbumInput = z.strictObject({
  title: zText(200),
  artistId: ZObjectId,
  year: z.number().int().min(1800).max(3000).nullable().default(null),
  genre: genre.nullable().default(null),
});
export const ZUpdateAlbumInput = z.strictObject({
  id: ZObjectId,
  title: zText(200).optional(),
  year: z.number().int().min(1800).max(3000).nullable().optional(),
  genre: genre.nullable().optional(),
});
export const ZCreateSongInput = z.strictObject({
  title: zText(200),
  artistId: ZObjectId,
  albumId: ZObjectId.nullable().default(null),
  trackNumber: z.number().int().min(1).max(999).nullable().default(null),
  discNumber: z.number().int().min(1).max(99).default(1),
  durationSec: z
    .number()
    .min(0)
    .max(24 * 3600)
    .default(0),
  genre: genre.nullable().default(null),
});
export const ZUpdateSongInput = z.strictObject({
  id: ZObjectId,
  title: zText(200).optional(),
  albumId: ZObjectId.nullable().optional(),
  trackNumber: z.number().int().min(1).max(999).nullable().optional(),
  discNumber: z.number().int().min(1).max(99).optional(),
  durationSec: z
    .number()
    .min(0)
    .max(24 * 3600)
    .optional(),
  genre: genre.nullable().optional(),
});
export type CreateArtistInput = z.infer<typeof ZCreateArtistInput>;
export type UpdateArtistInput = z.infer<typeof ZUpdateArtistInput>;
export type CreateAlbumInput = z.infer<typeof ZCreateAlbumInput>;
export type UpdateAlbumInput = z.infer<typeof ZUpdateAlbumInput>;
export type CreateSongInput = z.infer<typeof ZCreateSongInput>;
export type UpdateSongInput = z.infer<typeof ZUpdateSongInput>;

// --- playlists --------------------------------------------------------------------------
/** Most entries a playlist holds; keeps one document well under MongoDB's 16 MB. */
export const PLAYLIST_MAX_ENTRIES = 5000;
const revision = z.number().int().min(0).describe('The revision the client last saw');

export const ZCreatePlaylistInput = z.strictObject({
  name: zText(120),
  description: zLongText(2000).default(''),
  isPublic: z.boolean().default(false),
});
export const ZUpdatePlaylistInput = z.strictObject({
  id: ZObjectId,
  revision,
  name: zText(120).optional(),
  description: zLongText(2000).optional(),
});
export const ZAddSongsInput = z.strictObject({
  id: ZObjectId,
  revision,
  songIds: z.array(ZObjectId).min(1).max(500),
  /** Insert before this index; omitted = append. */
  position: z.number().int().min(0).max(PLAYLIST_MAX_ENTRIES).optional(),
});
export const ZRemoveEntryInput = z.strictObject({ id: ZObjectId, revision, entryId: ZObjectId });
export const ZMoveEntryInput = z.strictObject({
  id: ZObjectId,
  revision,
  entryId: ZObjectId,
  toIndex: z.number().int().min(0).max(PLAYLIST_MAX_ENTRIES),
});
export const ZSetVisibilityInput = z.strictObject({ id: ZObjectId, revision, isPublic: z.boolean() });
export const ZDeletePlaylistInput = z.strictObject({ id: ZObjectId, revision });
export const ZUserPageInput = z.strictObject({ userId: ZObjectId, ...page });
export type CreatePlaylistInput = z.infer<typeof ZCreatePlaylistInput>;
export type UpdatePlaylistInput = z.infer<typeof ZUpdatePlaylistInput>;
export type AddSongsInput = z.infer<typeof ZAddSongsInput>;
export type MoveEntryInput = z.infer<typeof ZMoveEntryInput>;

// --- library and social -----------------------------------------------------------------
export const ZSongIdInput = z.strictObject({ songId: ZObjectId });
export const ZUserIdInput = z.strictObject({ userId: ZObjectId });
export const ZHandleInput = z.strictObject({ handle: ZHandle });
