// Writing an imported or uploaded track into the catalog: artists and albums by the import's rules
// (MusicBrainz id, else folded name), the song fields its tags decide, album counts and covers, and
// removing a song that never became playable. Shared by the import and upload.finalize.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Album, Artist, type mongoose, Song, type SongDoc } from '@tonearm/db';
import {
  albumArtistOf,
  albumGroupKey,
  type EmbeddedPicture,
  nameKey,
  type TrackTags,
} from '@tonearm/validators/tags';
import { enqueueCover } from '../media/covers';
import type { MediaDeps } from '../media/deps';

const IMAGE_MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
};
const MAX_COVER_BYTES = 20 * 1024 * 1024;

type ArtistRef = { _id: mongoose.Types.ObjectId; name: string };

/** One artist per MusicBrainz id, else per folded name; an unknown-id match by name adopts the id. */
export async function upsertArtist(name: string, mbArtistId: string | null): Promise<ArtistRef> {
  const key = nameKey(name);
  if (mbArtistId) {
    const byId = await Artist.findOne({ mbArtistId }).select({ name: 1 }).lean();
    if (byId) return { _id: byId._id, name: byId.name };
    const byName = await Artist.findOneAndUpdate(
      { nameKey: key, mbArtistId: null },
      { $set: { mbArtistId } },
      { returnDocument: 'after' },
    ).lean();
    if (byName) return { _id: byName._id, name: byName.name };
    const made = await Artist.create({ name, nameKey: key, mbArtistId });
    return { _id: made._id, name: made.name };
  }
  const found =
    (await Artist.findOne({ nameKey: key }).select({ name: 1 }).lean()) ??
    // An artist made before imports (by hand, or an old upload) by the same name.
    (await Artist.findOneAndUpdate(
      { name, nameKey: null },
      { $set: { nameKey: key } },
      { returnDocument: 'after' },
    ).lean());
  if (found) return { _id: found._id, name: found.name };
  const made = await Artist.create({ name, nameKey: key });
  return { _id: made._id, name: made.name };
}

type AlbumRef = { _id: mongoose.Types.ObjectId; title: string; coverKey: string | null; created: boolean };

export async function upsertAlbum(t: TrackTags): Promise<{ album: AlbumRef; albumArtist: ArtistRef }> {
  const groupKey = albumGroupKey(t);
  const existing = await Album.findOne({ groupKey })
    .select({ title: 1, coverKey: 1, artistId: 1, artistName: 1 })
    .lean();
  if (existing)
    return {
      album: {
        _id: existing._id,
        title: existing.title,
        coverKey: existing.coverKey ?? null,
        created: false,
      },
      albumArtist: { _id: existing.artistId as mongoose.Types.ObjectId, name: existing.artistName },
    };
  const aaName = albumArtistOf(t);
  const aaMb = t.albumArtist
    ? (t.mbAlbumArtistIds[0] ?? null)
    : t.compilation
      ? null
      : (t.mbArtistIds[0] ?? null);
  const albumArtist = await upsertArtist(aaName, aaMb);
  const made = await Album.create({
    title: t.album,
    artistId: albumArtist._id,
    artistName: albumArtist.name,
    albumArtist: t.albumArtist ?? (t.compilation ? aaName : null),
    mbReleaseId: t.mbReleaseId,
    compilation: t.compilation,
    year: t.year,
    genre: t.genres[0] ?? null,
    groupKey,
  });
  return { album: { _id: made._id, title: made.title, coverKey: null, created: true }, albumArtist };
}

/** The song fields tags decide (shared by a new import, a re-tag and a browser upload). */
export function songTagFields(t: TrackTags, artist: ArtistRef, album: AlbumRef) {
  return {
    title: t.title,
    artistId: artist._id,
    artistName: artist.name,
    artistNames: t.artists,
    albumId: album._id,
    albumTitle: album.title,
    trackNumber: t.trackNumber,
    discNumber: t.discNumber,
    year: t.year,
    genre: t.genres[0] ?? null,
    genres: t.genres,
    lyrics: t.lyrics,
    mbRecordingId: t.mbRecordingId,
    replayGain: t.replayGain,
    ...(album.coverKey ? { coverKey: album.coverKey } : {}),
  };
}

let libraryChain: Promise<unknown> = Promise.resolve();
/**
 * Runs `fn` after every earlier caller's `fn` has settled (in this process): album and artist upserts
 * are find-then-create, so two linked at once could each create the same album.
 */
export function withLibraryLock<T>(fn: () => Promise<T>): Promise<T> {
  const run = libraryChain.then(fn, fn);
  libraryChain = run.catch(() => {});
  return run;
}

/** Artists and album of a track, created as needed. */
export async function linkTrack(t: TrackTags) {
  const { album, albumArtist } = await upsertAlbum(t);
  const first = t.artists[0] ?? albumArtistOf(t);
  const artist =
    nameKey(first) === nameKey(albumArtist.name) && !t.mbArtistIds[0]
      ? albumArtist
      : await upsertArtist(
          first,
          t.artists.length === t.mbArtistIds.length ? (t.mbArtistIds[0] ?? null) : null,
        );
  // Every credited artist exists as an entity (the first one is the song's artistId).
  for (const [i, name] of t.artists.entries())
    if (i > 0)
      await upsertArtist(name, t.artists.length === t.mbArtistIds.length ? (t.mbArtistIds[i] ?? null) : null);
  return { artist, album, albumArtist };
}

/** Disc and track counts of an album from its songs (and the tags' totals when larger). */
export async function refreshAlbumCounts(
  albumId: mongoose.Types.ObjectId,
  tagTotals?: { discs?: number | null },
) {
  const songs = await Song.find({ albumId }).select({ discNumber: 1 }).lean();
  const discs = Math.max(1, ...songs.map((s) => s.discNumber ?? 1), tagTotals?.discs ?? 1);
  await Album.updateOne({ _id: albumId }, { $set: { trackCount: songs.length, discCount: discs } });
}

/** Uploads an album's cover original and queues the cover job (which sets album.coverKey). */
export async function queueAlbumCover(
  media: MediaDeps,
  albumId: string,
  picture: EmbeddedPicture | { file: string },
): Promise<string | null> {
  let bytes: Uint8Array;
  let mime: string;
  if ('file' in picture) {
    const st = await stat(picture.file);
    if (st.size === 0 || st.size > MAX_COVER_BYTES) return null;
    const { readFile } = await import('node:fs/promises');
    bytes = await readFile(picture.file);
    mime = IMAGE_MIME[extname(picture.file).toLowerCase()] ?? 'image/jpeg';
  } else {
    if (picture.data.length > MAX_COVER_BYTES) return null;
    bytes = picture.data;
    mime = picture.mime;
  }
  const h = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const ext =
    mime
      .split('/')[1]
      ?.replace('jpeg', 'jpg')
      .replace(/[^a-z0-9]/g, '') || 'img';
  const key = `covers/source/album/${albumId}/${h}.${ext}`;
  await media.storage.putBytes(key, bytes, mime);
  try {
    await enqueueCover(media.queues, { kind: 'album', id: albumId }, key);
  } catch (e) {
    await media.storage.delete(key).catch(() => {});
    throw e;
  }
  return key;
}

/** Removes a song that never became playable, its S3 objects, and an album/artist it leaves empty. */
export async function removeSong(media: MediaDeps, songId: string): Promise<void> {
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song) return;
  await media.storage.deletePrefix(`uploads/${songId}/`);
  await media.storage.deletePrefix(`songs/${songId}/`);
  await Song.deleteOne({ _id: songId });
  if (song.albumId && !(await Song.exists({ albumId: song.albumId }))) {
    const album = await Album.findById(song.albumId).lean();
    await media.storage.deletePrefix(`covers/source/album/${song.albumId}/`);
    await media.storage.deletePrefix(`covers/album/${song.albumId}/`);
    await Album.deleteOne({ _id: song.albumId });
    if (album?.artistId) await removeArtistIfEmpty(album.artistId as mongoose.Types.ObjectId);
  }
  if (song.artistId) await removeArtistIfEmpty(song.artistId as mongoose.Types.ObjectId);
}

async function removeArtistIfEmpty(artistId: mongoose.Types.ObjectId) {
  if ((await Song.exists({ artistId })) || (await Album.exists({ artistId }))) return;
  await Artist.deleteOne({ _id: artistId, playCount: 0 });
}
