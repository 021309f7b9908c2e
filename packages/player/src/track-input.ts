// The engine's input from what the pipeline recorded for a song (the song's `media` fields, as
// playback.start returns them): one mapping, used by the web player and the gapless tests alike.
import type { TrackInput } from './engine';
import type { LoudnessInfo } from './loudness';

export type RecordedRendition = {
  name?: string;
  /** Media playlist relative to the ladder's base URL (e.g. `128k/index.m3u8`). */
  playlist: string;
  bandwidth: number;
  codecs?: string;
  primingSamples: number;
  paddingSamples: number;
};

export type RecordedMedia = {
  sampleRate: number;
  sourceSamples: number;
  renditions: RecordedRendition[];
  loudnessLufs: number | null;
  truePeakDb: number | null;
};

export type TrackInputOptions = {
  title?: string;
  albumId?: string | null;
  album?: LoudnessInfo | null;
  /** Query string (without "?") every request for this track carries, e.g. a CDN signature. */
  requestQuery?: string | null;
};

/** True when the record has what a sample-accurate cut needs. */
export function hasGaplessData(
  m: Pick<RecordedMedia, 'sampleRate' | 'sourceSamples' | 'renditions'>,
): boolean {
  return (
    m.sampleRate > 0 &&
    m.sourceSamples > 0 &&
    m.renditions.length > 0 &&
    m.renditions.every((r) => !!r.playlist)
  );
}

/** `baseUrl` is the ladder's prefix (where master.m3u8 lives), ending in "/". */
export function trackInputFromMedia(
  id: string,
  baseUrl: string,
  media: RecordedMedia,
  opts: TrackInputOptions = {},
): TrackInput {
  return {
    id,
    ...(opts.title ? { title: opts.title } : {}),
    albumId: opts.albumId ?? null,
    renditions: media.renditions.map((r) => ({
      ...(r.name ? { name: r.name } : {}),
      bandwidth: r.bandwidth,
      ...(r.codecs ? { codecs: r.codecs } : {}),
      playlistUrl: new URL(r.playlist, baseUrl).toString(),
      primingSamples: r.primingSamples,
      paddingSamples: r.paddingSamples,
    })),
    sampleRate: media.sampleRate,
    sourceSamples: media.sourceSamples,
    loudnessLufs: media.loudnessLufs,
    truePeakDb: media.truePeakDb,
    album: opts.album ?? null,
    ...(opts.requestQuery ? { requestQuery: opts.requestQuery } : {}),
  };
}
