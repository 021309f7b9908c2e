// Plain JSON shapes that leave the domain layer (and the cache). Ids are strings, dates ISO strings,
// so a cached value and a freshly loaded one are identical.
import type { SongDoc } from '@tonearm/db';

export type SongDto = {
  id: string;
  title: string;
  artistId: string;
  artistName: string;
  albumId: string | null;
  albumTitle: string | null;
  trackNumber: number | null;
  durationSec: number;
  genre: string | null;
  playCount: number;
  status: 'uploaded' | 'transcoding' | 'ready' | 'failed';
};

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
    status: (s.media?.status ?? 'uploaded') as SongDto['status'],
  };
}
