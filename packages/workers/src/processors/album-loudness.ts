// Album loudness: a thin shell over core's updateAlbumLoudness (ffmpeg ebur128 over the album's
// sources, in album order), enqueued by the transcode job when a track of an album is published.
import { updateAlbumLoudness } from '@tonearm/core';
import { Jobs } from '@tonearm/queue';
import { defineProcessor } from '../processor';

export const albumLoudnessProcessor = defineProcessor({
  job: Jobs.albumLoudness,
  concurrency: 1,
  lockDuration: 60_000,
  async handle(payload, { log, deps }) {
    const outcome = await updateAlbumLoudness(deps.media, payload.albumId);
    log.info({ albumId: payload.albumId, ...outcome }, 'album loudness');
    return outcome;
  },
});
