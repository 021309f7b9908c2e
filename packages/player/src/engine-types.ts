// The engine's public input and event types, and the internal records its decks keep per track.
import type { AbrOptions } from './abr';
import type { GainDecision, LoudnessInfo, NormalisationSettings } from './loudness';

export type RenditionInput = {
  name?: string;
  /** Peak bits per second (HLS BANDWIDTH); filled from the master playlist when absent. */
  bandwidth?: number;
  /** HLS CODECS: defaults to AAC-LC (`mp4a.40.2`); `fLaC` is the lossless (FLAC in fMP4) rung. */
  codecs?: string;
  /** Media playlist URL; or give `initUrl` + `segments` already parsed. */
  playlistUrl?: string;
  initUrl?: string;
  segments?: { url: string; durationSeconds: number }[];
  primingSamples: number;
  paddingSamples: number;
};

export type TrackInput = {
  id: string;
  title?: string;
  albumId?: string | null;
  /** Master playlist; variants fill in renditions' URLs and bandwidths, matched in order. */
  masterUrl?: string;
  renditions: RenditionInput[];
  sampleRate: number;
  /** Exact decoded source length: where the track ends, to the sample. */
  sourceSamples: number;
  loudnessLufs: number | null;
  truePeakDb: number | null;
  album?: LoudnessInfo | null;
  /** Query string (no "?") added to every request of this track: a CDN signature, for instance. */
  requestQuery?: string;
};

export type PlayerOptions = {
  audioContext?: AudioContext;
  /** Media seconds kept downloaded ahead of the playhead. */
  bufferAheadSeconds?: number;
  /** 0 = gapless; up to 12 s of crossfade between tracks that are not consecutive tracks of one album. */
  crossfadeSeconds?: number;
  /** Crossfade consecutive tracks of the same album too (off: albums always play gapless). */
  crossfadeAlbumTracks?: boolean;
  normalisation?: Partial<NormalisationSettings>;
  abr?: Partial<AbrOptions>;
};

export type PlayerState = {
  trackIndex: number;
  trackId: string | null;
  /** Seconds into the current track. */
  timeSeconds: number;
  durationSeconds: number;
  /** Index into the current track's renditions sorted by bandwidth, -1 before the first segment. */
  level: number;
  bitrateBps: number;
  estimateBps: number;
  isPlaying: boolean;
  gain: GainDecision | null;
  /** Bandwidths of the current track's levels, lowest first (what `level` indexes). */
  levels: number[];
  /** HLS CODECS of the same levels (`fLaC` marks the lossless one). */
  levelCodecs: string[];
  /** Seconds of the current track buffered from its start (may run past its end into the next). */
  bufferedSeconds: number;
};

/** What the playing element is doing (for a UI's play/pause/spinner). */
export type PlaybackActivity = 'playing' | 'waiting' | 'paused';

export type SegmentEvent = {
  trackIndex: number;
  segment: number;
  level: number;
  bytes: number;
  seconds: number;
  aborted: boolean;
};

export type PlayerEvents = {
  trackchange: PlayerState;
  timeupdate: PlayerState;
  levelchange: PlayerState;
  segment: SegmentEvent;
  ended: PlayerState;
  error: Error;
  /** A crossfade into `toTrackIndex` began, lasting `seconds`. */
  crossfade: { toTrackIndex: number; seconds: number };
  activity: PlaybackActivity;
};

export type Level = {
  bandwidth: number;
  codecs: string;
  initUrl: string;
  segments: { url: string; durationSeconds: number }[];
  primingSamples: number;
  paddingSamples: number;
};

export type Entry = {
  queueIndex: number;
  track: TrackInput;
  startSeconds: number;
  endSeconds: number;
  levels: Level[] | null;
  resolving: Promise<Level[]>;
  nextSegment: number;
  lastLevel: number;
  /** Seconds into the track where playback starts (a seek); 0 = from its first sample. */
  startOffset: number;
  /** Whether the first segment was chosen from `startOffset` and the playhead placed. */
  isPositioned: boolean;
  /** Deck-time ranges and the level their audio came from. */
  spans: { start: number; end: number; level: number }[];
};
