// Uploads: the browser PUTs the source straight to S3 with a presigned URL, then finalize checks what
// arrived (size, ffprobe: really audio, duration within limits) before a transcode job is queued.
// A rejected upload leaves nothing behind: the object and the song row are deleted.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Song, type SongDoc } from '@tonearm/db';
import { decodeCheck, probe } from '@tonearm/media';
import { Jobs } from '@tonearm/queue';
import { AppError } from '@tonearm/validators';
import type { CoreDeps } from '../deps';
import {
  linkTrack,
  queueAlbumCover,
  refreshAlbumCounts,
  sha256File,
  songTagFields,
  upsertArtist,
} from '../library/import';
import { nameKey, type TrackTags } from '../library/tag-map';
import { readTrackFile, SkipError } from '../library/tags';
import type { MediaDeps } from './deps';

/** Reads an uploaded source's format and tags (a local copy: music-metadata and the hash read it whole). */
async function readUploadedTags(media: MediaDeps, key: string) {
  const dir = await mkdtemp(join(tmpdir(), 'tonearm-upload-'));
  try {
    const obj = await media.storage.get(key);
    if (!obj) throw new Error('the upload vanished');
    const file = join(dir, 'source');
    await pipeline(obj.body, createWriteStream(file));
    const track = await readTrackFile(file, { maxDurationSec: media.limits.maxDurationSec });
    return { track, hash: await sha256File(file) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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

const EXT_OF: Record<string, string> = {
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/m4a': 'm4a',
  'audio/aac': 'm4a',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/aiff': 'aiff',
  'audio/x-aiff': 'aiff',
};
const sourceKeyOf = (songId: string, contentType: string) =>
  `uploads/${songId}/source.${EXT_OF[contentType] ?? 'mp3'}`;

export type CreateUploadInput = {
  title: string;
  artistName: string;
  albumTitle?: string;
  trackNumber?: number;
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

export function mediaOf(deps: CoreDeps): MediaDeps {
  if (!deps.media) throw new AppError('SERVICE_UNAVAILABLE', { message: 'Media storage is not configured' });
  return deps.media;
}

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
  const media = mediaOf(deps);
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
    media: { status: 'uploaded', sourceBytes: input.sizeBytes, sourceContentType: input.contentType },
  });
  const sourceKey = sourceKeyOf(String(song._id), input.contentType);
  song.set('media.sourceKey', sourceKey);
  await song.save();
  const expiresInSec = 900;
  const uploadUrl = await media.storage.presignPut(
    sourceKey,
    input.contentType,
    input.sizeBytes,
    expiresInSec,
  );
  return {
    songId: String(song._id),
    uploadUrl,
    uploadHeaders: { 'content-type': input.contentType },
    expiresInSec,
  };
}

async function reject(deps: CoreDeps, song: SongDoc, err: AppError): Promise<never> {
  const media = mediaOf(deps);
  if (song.media?.sourceKey) await media.storage.delete(song.media.sourceKey);
  await Song.deleteOne({ _id: song._id, 'media.status': 'uploaded' });
  deps.log.info({ 'song.id': String(song._id), reason: err.message }, 'upload rejected');
  throw err;
}

export async function finalizeUpload(
  deps: CoreDeps,
  userId: string,
  songId: string,
): Promise<FinalizeResult> {
  const media = mediaOf(deps);
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

  const head = await media.storage.head(key);
  if (!head) throw AppError.badRequest('Nothing was uploaded yet: PUT the file to uploadUrl first');
  if (head.size > media.limits.maxUploadBytes)
    return reject(deps, song, tooLarge(media.limits.maxUploadBytes));

  const url = await media.storage.presignGet(key);
  const notAudio = (why: string) =>
    new AppError('UNPROCESSABLE_CONTENT', { message: `The file is not playable audio: ${why}` });
  let info: Awaited<ReturnType<typeof probe>>;
  try {
    info = await probe(url);
  } catch {
    return reject(deps, song, notAudio('no audio format recognised'));
  }
  const stream = info.streams.find((s) => s.codec_type === 'audio');
  if (!stream) return reject(deps, song, notAudio('it has no audio stream'));
  const durationSec = Number(info.format.duration ?? stream.duration);
  if (!Number.isFinite(durationSec) || durationSec < 1)
    return reject(deps, song, notAudio('it lasts less than a second'));
  if (durationSec > media.limits.maxDurationSec)
    return reject(
      deps,
      song,
      new AppError('UNPROCESSABLE_CONTENT', {
        message: `The track lasts ${Math.round(durationSec)} s, over the ${media.limits.maxDurationSec} s limit`,
        details: { durationSec, maxDurationSec: media.limits.maxDurationSec },
      }),
    );
  const decoded = await decodeCheck(url, durationSec);
  if (!decoded.ok) return reject(deps, song, notAudio(`it does not decode (${decoded.reason})`));

  // The same rules as `pnpm run import`: format by content, tags read, real album and artists. What
  // the person typed (title, artist, album) wins over the file's tags; the rest comes from the file.
  let tagged: Awaited<ReturnType<typeof readUploadedTags>>;
  try {
    tagged = await readUploadedTags(media, key);
  } catch (e) {
    return reject(
      deps,
      song,
      e instanceof SkipError
        ? notAudio(e.message)
        : notAudio(`it could not be read (${(e as Error).message})`),
    );
  }
  const tags: TrackTags = {
    ...tagged.track.tags,
    title: song.title,
    artists: [
      song.artistName,
      ...tagged.track.tags.artists.filter((a) => nameKey(a) !== nameKey(song.artistName)),
    ],
    // No album typed and none tagged: a single, filed under its own title (the temp folder says nothing).
    album: song.albumTitle ?? (tagged.track.tags.albumFromFolder ? song.title : tagged.track.tags.album),
    trackNumber: song.trackNumber ?? tagged.track.tags.trackNumber,
  };
  if (song.albumTitle && song.albumTitle !== tagged.track.tags.album) tags.mbReleaseId = null;
  const { artist, album } = await linkTrack(tags);
  await Song.updateOne(
    { _id: song._id, 'media.status': 'uploaded' },
    {
      $set: {
        ...songTagFields(tags, artist, album),
        contentHash: tagged.hash,
        genre: song.genre ?? tags.genres[0] ?? null,
      },
    },
  );
  await refreshAlbumCounts(album._id, { discs: tags.discTotal });
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
        'media.sourceBytes': head.size,
        'media.sourceCodec': stream.codec_name ?? null,
        'media.sourceSampleRate': Number(stream.sample_rate) || null,
      },
    },
  );
  if (moved.matchedCount === 0) throw AppError.conflict('The upload changed while it was being checked');
  await media.queues.enqueue(Jobs.transcode, { songId, sourceKey: key }, { jobId: `transcode-${songId}` });
  media.notify?.(userId, { songId, status: 'transcoding', progress: 0 });
  return { songId, status: 'transcoding', durationSec };
}
