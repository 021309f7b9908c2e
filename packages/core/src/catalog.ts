// Catalog: artists, albums, songs. Every read goes through the cache; every write invalidates the
// entity keys and list tags it touches, after the database write (so a reader never re-caches the
// old value: the cache's generations reject a fill that raced the invalidation).
import {
  Album,
  type AlbumDoc,
  Artist,
  type ArtistDoc,
  Like,
  mongoose,
  Song,
  type SongDoc,
} from '@tonearm/db';
import {
  AppError,
  type CreateAlbumInput,
  type CreateArtistInput,
  type CreateSongInput,
  type Page,
  type UpdateAlbumInput,
  type UpdateArtistInput,
  type UpdateSongInput,
} from '@tonearm/validators';
import { CacheNs, CacheTag, LikesCache } from './cache-keys';
import type { CoreDeps } from './deps';
import { type AlbumDto, type ArtistDto, type SongDto, toAlbumDto, toArtistDto, toSongDto } from './dto';
import { findPage, type PageRequest, pageKey } from './pagination';

const trusted = <T>(o: T): T => mongoose.trusted(o);

// --- reads ------------------------------------------------------------------------------

export async function getSong(deps: CoreDeps, id: string): Promise<SongDto> {
  const song = await deps.cache.getOrLoad(CacheNs.song, id, async () => {
    const doc = await Song.findById(id).lean<SongDoc>();
    return doc ? toSongDto(doc) : null;
  });
  if (!song) throw AppError.notFound('Song');
  return song;
}

/** Songs by id in the given order, each through the cache; missing songs come back as null. */
export async function getSongsByIds(deps: CoreDeps, ids: string[]): Promise<(SongDto | null)[]> {
  return Promise.all(
    ids.map((id) =>
      deps.cache.getOrLoad(CacheNs.song, id, async () => {
        const doc = await Song.findById(id).lean<SongDoc>();
        return doc ? toSongDto(doc) : null;
      }),
    ),
  );
}

export async function topSongs(deps: CoreDeps, limit: number): Promise<SongDto[]> {
  return deps.cache.getOrLoad(
    CacheNs.topSongs,
    String(limit),
    async () => {
      const docs = await Song.find().sort({ playCount: -1, _id: 1 }).limit(limit).lean<SongDoc[]>();
      return docs.map(toSongDto);
    },
    { ttlSeconds: 60, tags: [CacheTag.songs] },
  );
}

export function listSongs(deps: CoreDeps, page: PageRequest): Promise<Page<SongDto>> {
  return deps.cache.getOrLoad(
    CacheNs.songPage,
    pageKey('all', page),
    () => findPage(Song, {}, [], page, toSongDto),
    { tags: [CacheTag.songs] },
  );
}

export function songsByAlbum(deps: CoreDeps, albumId: string, page: PageRequest): Promise<Page<SongDto>> {
  return deps.cache.getOrLoad(
    CacheNs.songPage,
    pageKey(`album:${albumId}`, page),
    () =>
      findPage(
        Song,
        { albumId },
        [
          { field: 'discNumber', dir: 1 },
          { field: 'trackNumber', dir: 1 },
        ],
        page,
        toSongDto,
      ),
    { tags: [CacheTag.songs, CacheTag.songsOfAlbum(albumId)] },
  );
}

export function songsByArtist(deps: CoreDeps, artistId: string, page: PageRequest): Promise<Page<SongDto>> {
  return deps.cache.getOrLoad(
    CacheNs.songPage,
    pageKey(`artist:${artistId}`, page),
    () => findPage(Song, { artistId }, [{ field: 'playCount', dir: -1 }], page, toSongDto),
    { tags: [CacheTag.songs, CacheTag.songsOfArtist(artistId)] },
  );
}

export async function getArtist(deps: CoreDeps, id: string): Promise<ArtistDto> {
  const artist = await deps.cache.getOrLoad(CacheNs.artist, id, async () => {
    const doc = await Artist.findById(id).lean<ArtistDoc>();
    return doc ? toArtistDto(doc) : null;
  });
  if (!artist) throw AppError.notFound('Artist');
  return artist;
}

export function listArtists(deps: CoreDeps, page: PageRequest): Promise<Page<ArtistDto>> {
  return deps.cache.getOrLoad(
    CacheNs.artistPage,
    pageKey('all', page),
    () => findPage(Artist, {}, [{ field: 'name', dir: 1 }], page, toArtistDto),
    { tags: [CacheTag.artists] },
  );
}

export async function getAlbum(deps: CoreDeps, id: string): Promise<AlbumDto> {
  const album = await deps.cache.getOrLoad(CacheNs.album, id, async () => {
    const doc = await Album.findById(id).lean<AlbumDoc>();
    return doc ? toAlbumDto(doc) : null;
  });
  if (!album) throw AppError.notFound('Album');
  return album;
}

export function listAlbums(deps: CoreDeps, page: PageRequest): Promise<Page<AlbumDto>> {
  return deps.cache.getOrLoad(
    CacheNs.albumPage,
    pageKey('all', page),
    () => findPage(Album, {}, [], page, toAlbumDto),
    { tags: [CacheTag.albums] },
  );
}

export function albumsByArtist(deps: CoreDeps, artistId: string, page: PageRequest): Promise<Page<AlbumDto>> {
  return deps.cache.getOrLoad(
    CacheNs.albumPage,
    pageKey(`artist:${artistId}`, page),
    () => findPage(Album, { artistId }, [], page, toAlbumDto),
    { tags: [CacheTag.albums, CacheTag.albumsOfArtist(artistId)] },
  );
}

// --- admin writes -----------------------------------------------------------------------

export async function createArtist(deps: CoreDeps, input: CreateArtistInput): Promise<ArtistDto> {
  const doc = await Artist.create(input);
  await deps.cache.invalidateTags(CacheTag.artists);
  return toArtistDto(doc.toObject());
}

export async function updateArtist(deps: CoreDeps, input: UpdateArtistInput): Promise<ArtistDto> {
  const { id, ...set } = input;
  const doc = await Artist.findByIdAndUpdate(
    id,
    { $set: set },
    { returnDocument: 'after' },
  ).lean<ArtistDoc>();
  if (!doc) throw AppError.notFound('Artist');
  const tags: string[] = [CacheTag.artists];
  if (set.name !== undefined) {
    // Songs and albums carry the artist's name: rewrite it there, then drop what was cached.
    const songIds = (await Song.find({ artistId: id }, { _id: 1 }).lean()).map((s) => String(s._id));
    await Song.updateMany({ artistId: id }, { $set: { artistName: doc.name } });
    await Album.updateMany({ artistId: id }, { $set: { artistName: doc.name } });
    const albumIds = (await Album.find({ artistId: id }, { _id: 1 }).lean()).map((a) => String(a._id));
    await deps.cache.invalidate(CacheNs.song, ...songIds);
    await deps.cache.invalidate(CacheNs.album, ...albumIds);
    tags.push(CacheTag.songs, CacheTag.albums);
  }
  await deps.cache.invalidate(CacheNs.artist, id);
  await deps.cache.invalidateTags(...tags);
  return toArtistDto(doc);
}

export async function deleteArtist(deps: CoreDeps, id: string): Promise<{ id: string }> {
  if (await Album.exists({ artistId: id })) throw AppError.conflict('Delete the artist’s albums first');
  if (await Song.exists({ artistId: id })) throw AppError.conflict('Delete the artist’s songs first');
  const res = await Artist.deleteOne({ _id: id });
  if (res.deletedCount === 0) throw AppError.notFound('Artist');
  await deps.cache.invalidate(CacheNs.artist, id);
  await deps.cache.invalidateTags(CacheTag.artists);
  return { id };
}

export async function createAlbum(deps: CoreDeps, input: CreateAlbumInput): Promise<AlbumDto> {
  const artist = await Artist.findById(input.artistId).lean<ArtistDoc>();
  if (!artist) throw AppError.badRequest('Unknown artist', { field: 'artistId' });
  const doc = await Album.create({ ...input, artistName: artist.name });
  await deps.cache.invalidateTags(CacheTag.albums, CacheTag.albumsOfArtist(input.artistId));
  return toAlbumDto(doc.toObject());
}

export async function updateAlbum(deps: CoreDeps, input: UpdateAlbumInput): Promise<AlbumDto> {
  const { id, ...set } = input;
  const doc = await Album.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean<AlbumDoc>();
  if (!doc) throw AppError.notFound('Album');
  if (set.title !== undefined) {
    const songIds = (await Song.find({ albumId: id }, { _id: 1 }).lean()).map((s) => String(s._id));
    await Song.updateMany({ albumId: id }, { $set: { albumTitle: doc.title } });
    await deps.cache.invalidate(CacheNs.song, ...songIds);
    await deps.cache.invalidateTags(CacheTag.songs);
  }
  await deps.cache.invalidate(CacheNs.album, id);
  await deps.cache.invalidateTags(CacheTag.albums, CacheTag.albumsOfArtist(String(doc.artistId)));
  return toAlbumDto(doc);
}

export async function deleteAlbum(deps: CoreDeps, id: string): Promise<{ id: string }> {
  if (await Song.exists({ albumId: id })) throw AppError.conflict('Delete or move the album’s songs first');
  const doc = await Album.findOneAndDelete({ _id: id }).lean<AlbumDoc>();
  if (!doc) throw AppError.notFound('Album');
  await deps.cache.invalidate(CacheNs.album, id);
  await deps.cache.invalidateTags(CacheTag.albums, CacheTag.albumsOfArtist(String(doc.artistId)));
  return { id };
}

async function albumFor(albumId: string | null, artistId: string): Promise<AlbumDoc | null> {
  if (!albumId) return null;
  const album = await Album.findById(albumId).lean<AlbumDoc>();
  if (!album) throw AppError.badRequest('Unknown album', { field: 'albumId' });
  if (String(album.artistId) !== artistId)
    throw AppError.badRequest('The album belongs to another artist', { field: 'albumId' });
  return album;
}

function songTags(s: { artistId: unknown; albumId?: unknown }): string[] {
  const tags = [CacheTag.songs, CacheTag.songsOfArtist(String(s.artistId))];
  if (s.albumId) tags.push(CacheTag.songsOfAlbum(String(s.albumId)));
  return tags;
}

export async function createSong(deps: CoreDeps, input: CreateSongInput): Promise<SongDto> {
  const artist = await Artist.findById(input.artistId).lean<ArtistDoc>();
  if (!artist) throw AppError.badRequest('Unknown artist', { field: 'artistId' });
  const album = await albumFor(input.albumId, input.artistId);
  const doc = await Song.create({
    ...input,
    artistName: artist.name,
    albumTitle: album?.title ?? null,
  });
  await deps.cache.invalidateTags(...songTags(input));
  return toSongDto(doc.toObject());
}

export async function updateSong(deps: CoreDeps, input: UpdateSongInput): Promise<SongDto> {
  const { id, ...set } = input;
  const before = await Song.findById(id).lean<SongDoc>();
  if (!before) throw AppError.notFound('Song');
  const update: Record<string, unknown> = { ...set };
  if (set.albumId !== undefined) {
    const album = await albumFor(set.albumId, String(before.artistId));
    update.albumTitle = album?.title ?? null;
  }
  const doc = await Song.findByIdAndUpdate(id, { $set: update }, { returnDocument: 'after' }).lean<SongDoc>();
  if (!doc) throw AppError.notFound('Song');
  await deps.cache.invalidate(CacheNs.song, id);
  await deps.cache.invalidateTags(...new Set([...songTags(before), ...songTags(doc)]));
  return toSongDto(doc);
}

export async function deleteSong(deps: CoreDeps, id: string): Promise<{ id: string }> {
  const doc = await Song.findOneAndDelete({ _id: id }).lean<SongDoc>();
  if (!doc) throw AppError.notFound('Song');
  // Likes of a deleted song go too; playlist entries stay and show the song as unavailable.
  const likers = (await Like.find({ songId: id }, { userId: 1 }).lean()).map((l) => String(l.userId));
  await Like.deleteMany({ songId: id });
  await deps.cache.invalidate(CacheNs.song, id);
  await deps.cache.invalidateTags(...songTags(doc), ...likers.map((u) => LikesCache.ofUser(u)));
  return { id };
}

/** Ids among `ids` that name an existing song. */
export async function existingSongIds(ids: string[]): Promise<Set<string>> {
  const docs = await Song.find({ _id: trusted({ $in: ids }) }, { _id: 1 }).lean();
  return new Set(docs.map((d) => String(d._id)));
}
