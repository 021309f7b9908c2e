// Uploads: the browser PUTs the source straight to S3 with a presigned URL, then finalize checks what
// arrived (size, ffprobe: really audio, duration within limits) before a transcode job is queued.
// A rejected upload leaves nothing behind: the object and the song row are deleted.
import { Artist, Song, type SongDoc } from '@tonearm/db';
import { decodeCheck, probe } from '@tonearm/media';
import { Jobs } from '@tonearm/queue';
import { AppError } from '@tonearm/validators';
import type { CoreDeps } from '../deps';
import type { MediaDeps } from './deps';

export const UPLOAD_CONTENT_TYPES = ['audio/mpeg', 'audio/mp3'] as const;

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
  const artist = await Artist.findOneAndUpdate(
    { name: input.artistName },
    { $setOnInsert: { name: input.artistName } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  if (!artist) throw new AppError('INTERNAL_SERVER_ERROR', { message: 'artist upsert returned nothing' });
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
  song.set('media.sourceKey', `uploads/${song._id}/source.mp3`);
  await song.save();
  const expiresInSec = 900;
  const uploadUrl = await media.storage.presignPut(
    `uploads/${song._id}/source.mp3`,
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
