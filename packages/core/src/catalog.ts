// Catalog reads: songs, albums, artists. Every read goes through the cache; every write invalidates.
import { AppError } from '@tonearm/validators';
import { Song, type SongDoc } from '@tonearm/db';
import type { CoreDeps } from './deps';
import { type SongDto, toSongDto } from './dto';

export const CacheNs = { song: 'song', topSongs: 'songs:top' } as const;

export async function getSong(deps: CoreDeps, id: string): Promise<SongDto> {
  const song = await deps.cache.getOrLoad(CacheNs.song, id, async () => {
    const doc = await Song.findById(id).lean<SongDoc>();
    return doc ? toSongDto(doc) : null;
  });
  if (!song) throw AppError.notFound('Song');
  return song;
}

export async function topSongs(deps: CoreDeps, limit: number): Promise<SongDto[]> {
  return deps.cache.getOrLoad(
    CacheNs.topSongs,
    String(limit),
    async () => {
      const docs = await Song.find().sort({ playCount: -1, _id: 1 }).limit(limit).lean<SongDoc[]>();
      return docs.map(toSongDto);
    },
    { ttlSeconds: 60, tags: ['songs'] },
  );
}
