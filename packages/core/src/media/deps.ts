// What the media services need beyond CoreDeps: storage, the CloudFront signer, the queues, the
// browser-push emitter, and the upload limits. Servers, workers and tests each build one.
import type { MediaSigner, S3Storage } from '@tonearm/media';
import type { Queues } from '@tonearm/queue';
import type { SongTranscode } from '@tonearm/validators';

/** The song:transcode event (ZSongTranscode in @tonearm/validators/media). */
export type TranscodeEvent = SongTranscode;

export type MediaLimits = { maxUploadBytes: number; maxDurationSec: number };

export type MediaDeps = {
  storage: S3Storage;
  /** Null where no CloudFront key is configured (workers need none): playback is then unavailable. */
  signer: MediaSigner | null;
  queues: Queues;
  limits: MediaLimits;
  /** Drops the song's cached reads after the pipeline changed its media status or progress. */
  invalidateSong?: (songId: string) => Promise<void>;
  /** Pushes a transcode event to the uploader's browsers (room user:<id>, event song:transcode). */
  notify?: (userId: string, event: TranscodeEvent) => void;
  /** How long a playback grant lasts beyond the track's own duration (seconds). */
  grantSlackSec?: number;
};
