// Uploads: the browser PUTs the source straight to S3 with a presigned URL, then finalize checks what
// arrived (size, container, ffprobe: really audio, duration within limits and true to its header)
// before a transcode job is queued. A rejected upload leaves nothing behind: the objects and the song
// row are deleted.
// Why one file: create, finalize and reject are one flow whose checks must agree with each other.
//
// What was checked is what is transcoded (docs/SECURITY.md): finalize first copies the upload to a
// pinned key under sources/ that no presigned URL can write, deletes the upload key, then downloads
// the pinned copy and checks that local file; the song records the pinned key and its ETag and the
// worker reads only that object, with If-Match. The upload URL is create-only (If-None-Match: * is
// signed): S3 writes the key once and refuses (412) every later PUT while anything is there, and
// finalize never leaves the key empty: it replaces the upload with an empty tombstone (also when it
// rejects the file), which the upload sweep job deletes once the URL has expired.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Song, type SongDoc } from '@tonearm/db';
import { decodeCheck, probe, UnsupportedSourceError, uploadKeyOf } from '@tonearm/media';
import { Jobs } from '@tonearm/queue';
import { AppError } from '@tonearm/validators';
import { nameKey, type TrackTags } from '@tonearm/validators/tags';
import { Types } from 'mongoose';
import { type CoreDeps, requireMedia } from '../deps';
import {
  linkTrack,
  queueAlbumCover,
  refreshAlbumCounts,
  songTagFields,
  upsertArtist,
  withLibraryLock,
} from '../library/link';
import { sha256File } from '../library/scan';
import { readTrackFile, SkipError } from '../library/tags';
import type { MediaDeps } from './deps';

/** Reads the checked local copy's format and tags (music-metadata and the hash read it whole). */
async function readUploadedTags(media: MediaDeps, file: string, probed: Awaited<ReturnType<typeof probe>>) {
  const track = await readTrackFile(file, { maxDurationSec: media.limits.maxDurationSec, probed });
  return { track, hash: await sha256File(file) };
}

/**
 * Content types a client may declare (what browsers report for MP3, FLAC, Ogg Vorbis, Opus, AAC/M4A,
 * ALAC, WAV and AIFF). The declaration only names the S3 object: finalize decides the format by the
 * bytes (library/tags.ts) and refuses anything else.
 */
export const UPLOAD_CONTENT_TYPES = [
  'audio/mpeg',
  'audio/mp3',
  'audio/flac',
  'audio/x-flac',
  'audio/ogg',
  'audio/opus',
  'audio/mp4',
  'audio/x-m4a',
  'audio/m4a',
  'audio/aac',
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/vnd.wave',
  'audio/aiff',
  'audio/x-aiff',
] as const;

export type CreateUploadInput = {
  title: string;
  artistName: string;
  albumTitle?: string;
  /** Files the song under this album artist (else the file's tag, else its first artist). */
  albumArtist?: string;
  trackNumber?: number;
  discNumber?: number;
  genre?: string;
  contentType: (typeof UPLOAD_CONTENT_TYPES)[number];
  sizeBytes: number;
};

export type CreateUploadResult = {
  songId: string;
  uploadUrl: string;
  /** Headers the PUT must carry exactly (they are signed). */
  uploadHeaders: Record<string, string>;
  expiresInSec: number;
};

export type FinalizeResult = { songId: string; status: 'transcoding' | 'ready'; durationSec: number };

const tooLarge = (limit: number) =>
  new AppError('PAYLOAD_TOO_LARGE', {
    message: `The file is larger than the ${Math.floor(limit / (1024 * 1024))} MB upload limit`,
    details: { maxBytes: limit },
  });

export async function createUpload(
  deps: CoreDeps,
  userId: string,
  input: CreateUploadInput,
): Promise<CreateUploadResult> {
  const media = requireMedia(deps);
  if (input.sizeBytes > media.limits.maxUploadBytes) throw tooLarge(media.limits.maxUploadBytes);
  // One artist per folded name, as the import does (finalize re-links with the file's tags).
  const artist = await upsertArtist(input.artistName, null);
  const song = new Song({
    title: input.title,
    artistId: artist._id,
    artistName: artist.name,
    albumTitle: input.albumTitle ?? null,
    trackNumber: input.trackNumber ?? null,
    genre: input.genre ?? null,
    uploaderId: userId,
    discNumber: input.discNumber ?? 1,
    media: {
      status: 'uploaded',
      sourceBytes: input.sizeBytes,
      sourceContentType: input.contentType,
      declaredAlbumArtist: input.albumArtist ?? null,
      declaredDiscNumber: input.discNumber ?? null,
    },
  });
  song.set('media.sourceKey', uploadKey(String(song._id)));
  await song.save();
  const uploadUrl = await media.storage.presignPut(
    uploadKey(String(song._id)),
    input.contentType,
    input.sizeBytes,
    UPLOAD_URL_TTL_SEC,
    { createOnly: true },
  );
  return {
    songId: String(song._id),
    uploadUrl,
    uploadHeaders: { 'content-type': input.contentType, 'if-none-match': '*' },
    expiresInSec: UPLOAD_URL_TTL_SEC,
  };
}

/** How long an upload URL is valid (it writes at most once either way: see the header comment). */
export const UPLOAD_URL_TTL_SEC = 600;
const uploadKey = uploadKeyOf;

/**
 * Replaces the upload key with a tombstone (the create-only URL can never write it again) and
 * queues its deletion for when the URL has expired (the song id's timestamp is upload.create's).
 */
async function retireUploadKey(deps: CoreDeps, songId: string): Promise<void> {
  const media = requireMedia(deps);
  await media.storage.putTombstone(uploadKey(songId));
  const created = Types.ObjectId.isValid(songId) ? new Types.ObjectId(songId).getTimestamp().getTime() : 0;
  const delay = Math.max(0, created + (UPLOAD_URL_TTL_SEC + 60) * 1000 - Date.now());
  await media.queues.enqueue(Jobs.uploadSweep, { songId }, { jobId: `upload-sweep-${songId}`, delay });
}
const isPinned = (key: string) => key.startsWith('sources/');

async function reject(deps: CoreDeps, song: SongDoc, err: AppError, pinned?: string): Promise<never> {
  const media = requireMedia(deps);
  const songId = String(song._id);
  if (song.media?.sourceKey === uploadKey(songId)) await retireUploadKey(deps, songId);
  else if (song.media?.sourceKey) await media.storage.delete(song.media.sourceKey);
  if (pinned) await media.storage.delete(pinned);
  await Song.deleteOne({ _id: song._id, 'media.status': 'uploaded' });
  deps.log.info({ 'song.id': String(song._id), reason: err.message }, 'upload rejected');
  throw err;
}

export async function finalizeUpload(
  deps: CoreDeps,
  userId: string,
  songId: string,
): Promise<FinalizeResult> {
  const media = requireMedia(deps);
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song || String(song.uploaderId) !== userId) throw AppError.notFound('Upload');
  const status = song.media?.status ?? 'uploaded';
  const key = song.media?.sourceKey;
  if (!key) throw AppError.notFound('Upload');
  if (status === 'ready') return { songId, status, durationSec: song.durationSec ?? 0 };
  if (status === 'transcoding') {
    // A retried finalize: the job id makes this enqueue a no-op when the job exists.
    await media.queues.enqueue(Jobs.transcode, { songId, sourceKey: key }, { jobId: `transcode-${songId}` });
    return { songId, status, durationSec: song.durationSec ?? 0 };
  }
  if (status !== 'uploaded') throw AppError.conflict(`The upload is ${status}`);

  if (isPinned(key)) throw AppError.conflict('The upload is already being checked');
  const head = await media.storage.head(key);
  if (!head) throw AppError.badRequest('Nothing was uploaded yet: PUT the file to uploadUrl first');
  if (head.size > media.limits.maxUploadBytes)
    return reject(deps, song, tooLarge(media.limits.maxUploadBytes));

  // Pin: a server-side copy to a key no upload URL can write, then the upload key is retired (a
  // tombstone: the create-only URL gets 412 from now on).
  const pinned = `sources/${songId}/${randomUUID()}`;
  const { etag } = await media.storage.copy(key, pinned);
  await retireUploadKey(deps, songId);
  const work = await mkdtemp(join(tmpdir(), `tonearm-finalize-${songId}-`));
  try {
    return await checkPinned(deps, song, userId, pinned, etag, join(work, 'source'));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function checkPinned(
  deps: CoreDeps,
  song: SongDoc,
  userId: string,
  pinned: string,
  etag: string,
  file: string,
): Promise<FinalizeResult> {
  const media = requireMedia(deps);
  const songId = String(song._id);
  let size: number;
  try {
    size = await media.storage.download(pinned, file, {
      ifMatch: etag,
      maxBytes: media.limits.maxUploadBytes,
    });
  } catch (e) {
    if (/larger than/.test((e as Error).message))
      return reject(deps, song, tooLarge(media.limits.maxUploadBytes), pinned);
    await media.storage.delete(pinned).catch(() => {});
    throw e;
  }
  const notAudio = (why: string) =>
    new AppError('UNPROCESSABLE_CONTENT', { message: `The file is not playable audio: ${why}` });
  let info: Awaited<ReturnType<typeof probe>>;
  try {
    info = await probe(file);
  } catch (e) {
    const why = e instanceof UnsupportedSourceError ? e.message : 'no audio format recognised';
    return reject(deps, song, notAudio(why), pinned);
  }
  const stream = info.streams.find((s) => s.codec_type === 'audio');
  if (!stream) return reject(deps, song, notAudio('it has no audio stream'), pinned);
  const durationSec = Number(info.format.duration ?? stream.duration);
  if (!Number.isFinite(durationSec) || durationSec < 1)
    return reject(deps, song, notAudio('it lasts less than a second'), pinned);
  if (durationSec > media.limits.maxDurationSec)
    return reject(
      deps,
      song,
      new AppError('UNPROCESSABLE_CONTENT', {
        message: `The track lasts ${Math.round(durationSec)} s, over the ${media.limits.maxDurationSec} s limit`,
        details: { durationSec, maxDurationSec: media.limits.maxDurationSec },
      }),
      pinned,
    );
  const decoded = await decodeCheck(file, durationSec);
  if (!decoded.ok) return reject(deps, song, notAudio(`it does not decode (${decoded.reason})`), pinned);

  // The same rules as `pnpm run import`: format by content, tags read, real album and artists. What
  // the person typed (title, artist, album) wins over the file's tags; the rest comes from the file.
  let tagged: Awaited<ReturnType<typeof readUploadedTags>>;
  try {
    tagged = await readUploadedTags(media, file, info);
  } catch (e) {
    return reject(
      deps,
      song,
      e instanceof SkipError
        ? notAudio(e.message)
        : notAudio(`it could not be read (${(e as Error).message})`),
      pinned,
    );
  }
  const fromFile = tagged.track.tags;
  const declaredAA = song.media?.declaredAlbumArtist ?? null;
  const tags: TrackTags = {
    ...fromFile,
    title: song.title,
    artists: [song.artistName, ...fromFile.artists.filter((a) => nameKey(a) !== nameKey(song.artistName))],
    // No album typed and none tagged: a single, filed under its own title (the temp folder says nothing).
    album: song.albumTitle ?? (fromFile.albumFromFolder ? song.title : fromFile.album),
    albumArtist: declaredAA ?? fromFile.albumArtist,
    trackNumber: song.trackNumber ?? fromFile.trackNumber,
    discNumber: song.media?.declaredDiscNumber ?? fromFile.discNumber,
  };
  // A release id only while the album is the one the file names (typed otherwise: another album).
  if (song.albumTitle && song.albumTitle !== fromFile.album) tags.mbReleaseId = null;
  if (declaredAA && fromFile.albumArtist && nameKey(declaredAA) !== nameKey(fromFile.albumArtist)) {
    tags.mbReleaseId = null;
    tags.mbAlbumArtistIds = [];
  }
  // Several uploads of one album finalize at once: linking them one at a time makes them find each
  // other's album and artists instead of each creating its own (the import links serially too).
  const album = await withLibraryLock(async () => {
    const linked = await linkTrack(tags);
    await Song.updateOne(
      { _id: song._id, 'media.status': 'uploaded' },
      {
        $set: {
          ...songTagFields(tags, linked.artist, linked.album),
          contentHash: tagged.hash,
          genre: song.genre ?? tags.genres[0] ?? null,
        },
      },
    );
    await refreshAlbumCounts(linked.album._id, { discs: tags.discTotal });
    return linked.album;
  });
  if (!album.coverKey && tags.picture)
    await queueAlbumCover(media, String(album._id), tags.picture).catch((err: unknown) =>
      deps.log.warn({ err, albumId: String(album._id) }, 'could not queue the album cover'),
    );

  const moved = await Song.updateOne(
    { _id: song._id, 'media.status': 'uploaded' },
    {
      $set: {
        durationSec: Math.round(durationSec * 1000) / 1000,
        'media.status': 'transcoding',
        'media.progress': 0,
        'media.error': null,
        'media.sourceBytes': size,
        'media.sourceKey': pinned,
        'media.sourceEtag': etag,
        'media.sourceCodec': stream.codec_name ?? null,
        'media.sourceSampleRate': Number(stream.sample_rate) || null,
      },
    },
  );
  if (moved.matchedCount === 0) {
    await media.storage.delete(pinned);
    throw AppError.conflict('The upload changed while it was being checked');
  }
  await media.queues.enqueue(Jobs.transcode, { songId, sourceKey: pinned }, { jobId: `transcode-${songId}` });
  media.notify?.(userId, { songId, status: 'transcoding', progress: 0 });
  return { songId, status: 'transcoding', durationSec };
}
