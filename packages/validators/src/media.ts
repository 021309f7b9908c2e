// The media contract, defined once: a song's media status, the rendition record the pipeline
// writes (db stores it, playback.start returns it, the player reads it), and the transcode event
// pushed to uploaders. The Mongoose schema, core's DTOs, the router's outputs, the realtime event map
// and the web's types all take them from here.
import { z } from 'zod';

export const MEDIA_STATUSES = ['uploaded', 'transcoding', 'ready', 'failed'] as const;
export const ZMediaStatus = z.enum(MEDIA_STATUSES);
export type MediaStatus = z.infer<typeof ZMediaStatus>;

export const RENDITION_CODECS = ['aac', 'flac'] as const;
export const GAPLESS_SOURCES = ['elst', 'metadata'] as const;

/** One rung of a published HLS ladder, as the pipeline records it (packages/media/src/record.ts). */
export const ZRendition = z.object({
  name: z.string(),
  codec: z
    .enum(RENDITION_CODECS)
    .describe(
      'aac: an AAC-LC rung; flac: the lossless rung (FLAC in fMP4, CODECS "fLaC") of a lossless source',
    ),
  bitrateKbps: z.number(),
  bandwidth: z.number(),
  averageBandwidth: z.number(),
  codecs: z.string(),
  primingSamples: z.number().describe('Encoder priming at the start of the decoded stream (samples)'),
  paddingSamples: z.number().describe('Decoder output past the source end (samples)'),
  frames: z.number(),
  gaplessSource: z
    .enum(GAPLESS_SOURCES)
    .describe('Where the priming is signalled: the fMP4 edit list or only here'),
  playlist: z.string().describe('Media playlist, relative to the master playlist (e.g. `128k/index.m3u8`)'),
});
export type RenditionRecord = z.infer<typeof ZRendition>;

/** Transcoding progress pushed to the uploader's sockets (room user:<id>, event song:transcode). */
export const ZSongTranscode = z.object({
  songId: z.string(),
  status: ZMediaStatus,
  progress: z.number().min(0).max(1),
  error: z.string().nullable().optional(),
});
export type SongTranscode = z.infer<typeof ZSongTranscode>;

/** What playback.start hands the player: one CloudFront grant plus loudness and gapless data. */
export const ZPlaybackGrant = z.object({
  songId: z.string(),
  masterUrl: z.string(),
  /** Append to every playlist/segment URL (hls.js xhrSetup) when cookies cannot be used. */
  signedQuery: z.string(),
  /** Cookies for the CDN; the API also sends them as Set-Cookie. */
  cookies: z.array(
    z.object({ name: z.string(), value: z.string(), path: z.string(), maxAgeSec: z.number() }),
  ),
  expiresAt: z.number(),
  durationSec: z.number(),
  loudness: z.object({
    integratedLufs: z.number().nullable(),
    truePeakDb: z.number().nullable(),
    rangeLu: z.number().nullable(),
  }),
  album: z
    .object({ id: z.string(), loudnessLufs: z.number().nullable(), truePeakDb: z.number().nullable() })
    .nullable()
    .describe("The song's album and its loudness over all its tracks (album-mode normalisation)"),
  gapless: z.object({
    sampleRate: z.number(),
    sourceSamples: z.number(),
    /** Each rendition's `playlist` is relative to the master's directory. */
    renditions: z.array(ZRendition),
  }),
});
export type PlaybackGrantDto = z.infer<typeof ZPlaybackGrant>;
