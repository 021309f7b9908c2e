// Plain JSON shapes that leave the domain layer (and the cache). Ids are strings, dates ISO strings,
// so a cached value and a freshly loaded one are identical. The catalog shapes (song, artist, album)
// are z.infer of the schemas in @tonearm/validators/dto, which the router declares as `.output()`.
// So are playlists, users, profiles, follow edges and API keys.
import type { AlbumDoc, ArtistDoc, PlaylistDoc, SongDoc, UserDoc } from '@tonearm/db';
import type {
  AlbumDto,
  ArtistDto,
  PlaylistDto,
  PlaylistSummaryDto,
  SongDto,
  UserDto,
} from '@tonearm/validators';

export type {
  AlbumDto,
  ApiKeyDto,
  ArtistDto,
  FollowEdgeDto,
  PlaylistDto,
  PlaylistEntryDto,
  PlaylistSummaryDto,
  PlaylistWithSongsDto,
  ProfileDto,
  SongDto,
  UserDto,
} from '@tonearm/validators';

export function toSongDto(s: SongDoc): SongDto {
  return {
    id: String(s._id),
    title: s.title,
    artistId: String(s.artistId),
    artistName: s.artistName,
    albumId: s.albumId ? String(s.albumId) : null,
    albumTitle: s.albumTitle ?? null,
    trackNumber: s.trackNumber ?? null,
    durationSec: s.durationSec ?? 0,
    genre: s.genre ?? null,
    playCount: s.playCount ?? 0,
    status: s.media?.status ?? 'uploaded',
    coverKey: s.coverKey ?? null,
  };
}

export function toArtistDto(a: ArtistDoc): ArtistDto {
  return {
    id: String(a._id),
    name: a.name,
    genres: a.genres ?? [],
    bio: a.bio ?? '',
    playCount: a.playCount ?? 0,
  };
}

export function toAlbumDto(a: AlbumDoc): AlbumDto {
  return {
    id: String(a._id),
    title: a.title,
    artistId: String(a.artistId),
    artistName: a.artistName,
    year: a.year ?? null,
    genre: a.genre ?? null,
    playCount: a.playCount ?? 0,
    coverKey: a.coverKey ?? null,
  };
}

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : new Date(0).toISOString());

export function toPlaylistDto(p: PlaylistDoc): PlaylistDto {
  return {
    id: String(p._id),
    ownerId: String(p.ownerId),
    name: p.name,
    description: p.description ?? '',
    isPublic: p.isPublic ?? false,
    revision: p.revision ?? 0,
    entries: (p.entries ?? []).map((e) => ({
      entryId: String(e._id),
      songId: String(e.songId),
      addedAt: iso(e.addedAt),
    })),
    createdAt: iso((p as { createdAt?: unknown }).createdAt),
    updatedAt: iso((p as { updatedAt?: unknown }).updatedAt),
  };
}

export function toPlaylistSummaryDto(p: PlaylistDoc): PlaylistSummaryDto {
  const { entries, ...rest } = toPlaylistDto({ ...p, entries: [] } as unknown as PlaylistDoc);
  return { ...rest, entryCount: p.entries?.length ?? entries.length };
}

/**
 * Where a resized avatar is served: a path on the API server's public /covers/ route (the cover job
 * writes 64/300/640 px in AVIF, WebP and JPEG under avatarKey, `covers/user/<id>/<hash>/`). Clients
 * prefix the server's URL and may swap the size. Null = none uploaded (clients show initials).
 */
export function avatarUrl(u: { avatarKey?: string | null }, size: 64 | 300 | 640 = 300): string | null {
  const key = u.avatarKey;
  if (!key || !/^covers\/user\/[0-9a-f]{24}\/[0-9a-f]{12}\/$/.test(key)) return null;
  return `/${key}${size}.webp`;
}

export function toUserDto(u: UserDoc): UserDto {
  return {
    id: String(u._id),
    email: u.email,
    handle: u.handle,
    displayName: u.displayName,
    role: (u.role ?? 'user') as UserDto['role'],
    emailVerified: Boolean(u.emailVerifiedAt),
    listeningVisibility: (u.listeningVisibility ?? 'everyone') as UserDto['listeningVisibility'],
    avatarUrl: avatarUrl(u),
  };
}
