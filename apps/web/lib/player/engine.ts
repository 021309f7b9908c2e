// The contract between the player controller (controller.ts) and its audio engines: what a song's
// playback grant holds, the levels the quality menu lists, the engine's events and errors. Two
// engines implement it: GaplessEngine (gapless-engine.ts, @tonearm/player: one MSE SourceBuffer,
// sample-accurate cuts, loudness normalisation) wherever MSE and Web Audio exist, and HlsEngine
// (hls-engine.ts, hls.js on two <audio> decks) as the fallback, e.g. native HLS on iOS.
import { isLosslessCodec, type RecordedRendition } from '@tonearm/player';
import { nominalKbps } from './bitrate';
import type { PlaybackSettings } from './settings';
/** What `playback.start` hands the player for one song. */
export type PlaybackSource = {
  songId: string;
  /** Signed master playlist URL. */
  masterUrl: string;
  /** CloudFront signed-URL parameters appended to every playlist and segment request (one signature per track). */
  signedQuery: string | null;
  /** True when the edge authorises with signed cookies instead (requests must carry them). */
  withCredentials: boolean;
  /** When the signature stops working (ms since epoch); the player re-resolves before it. */
  expiresAtMs: number | null;
  /** EBU R128 integrated loudness and true peak of the track, for normalisation. */
  loudnessLufs: number | null;
  truePeakDb: number | null;
  /** The song's album (consecutive tracks of one album always join gaplessly) and its loudness. */
  album?: { id: string; loudnessLufs: number | null; truePeakDb: number | null } | null;
  /** What the pipeline recorded for sample-accurate cuts (priming, padding, exact length). */
  gapless?: { sampleRate: number; sourceSamples: number; renditions: RecordedRendition[] } | null;
};

export type QualityLevel = {
  index: number;
  bitrateKbps: number;
  /** What the quality menu shows: `128 kbps`, or `Lossless` for the FLAC rung. */
  name: string;
  isLossless: boolean;
};

/** A level as the menus name it: the FLAC rung is "Lossless", the AAC rungs their nominal rate. */
export function qualityLevel(index: number, bandwidth: number, codecs: string | undefined): QualityLevel {
  const kbps = nominalKbps(bandwidth); // BANDWIDTH: the peak, a little above the encoding rate
  const isLossless = isLosslessCodec(codecs);
  return { index, bitrateKbps: kbps, name: isLossless ? 'Lossless' : `${kbps} kbps`, isLossless };
}

export type EngineState = 'loading' | 'playing' | 'paused' | 'ended';

export type EngineError = {
  kind: 'network' | 'media' | 'unsupported' | 'autoplay';
  message: string;
  /** HTTP status of the failed request, when there was one (403: the signature was refused). */
  httpStatus: number | null;
};

/**
 * What a rejected `media.play()` means to the listener: null when a newer load or pause superseded
 * it (AbortError), the autoplay policy's refusal, or a media error.
 */
export function playFailure(e: unknown): EngineError | null {
  const err = e as DOMException | undefined;
  if (err?.name === 'AbortError') return null;
  if (err?.name === 'NotAllowedError')
    return {
      kind: 'autoplay',
      message: 'The browser blocked playback. Press play to start.',
      httpStatus: null,
    };
  return { kind: 'media', message: err?.message || 'Playback failed.', httpStatus: null };
}

export type EngineListener = {
  onState(state: EngineState): void;
  onTime(t: { currentTime: number; duration: number; bufferedEnd: number }): void;
  onLevels(levels: QualityLevel[], current: number, isAuto: boolean): void;
  onEnded(): void;
  onError(error: EngineError): void;
};

export interface PlaybackEngine {
  /** Starts `source` (swapping in the preloaded deck when it holds that song). */
  load(source: PlaybackSource, opts: { autoplay: boolean; startAtSec?: number }): void;
  /** Fetches the start of the track that plays next; null forgets any preload. */
  preload(source: PlaybackSource | null): void;
  play(): Promise<void>;
  pause(): void;
  seek(sec: number): void;
  setVolume(volume: number, muted: boolean): void;
  /** -1 returns to automatic selection. */
  setQuality(index: number): void;
  /** Normalisation, target loudness and crossfade; engines that do neither ignore it. */
  setSettings?(settings: PlaybackSettings): void;
  /** Read-only diagnostics for tests (window.__tonearmPlayer). */
  debug?(): unknown;
  destroy(): void;
}

/** Builds the engine the controller plays through (browser-engine.ts picks one; tests pass a fake). */
export type EngineFactory = (listener: EngineListener, settings: PlaybackSettings) => PlaybackEngine;
