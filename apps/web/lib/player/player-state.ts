// The player's state as the UI reads it (two stores: state, and time at ~4 Hz) and the operations
// it offers (PlayerApi); controller.ts implements them, player-provider.tsx hands them to React.
import type { Track } from '../types';
import type { QualityLevel } from './engine';
import type { PlaySession } from './play-tracker';
import * as Q from './queue';
import { DEFAULT_PLAYBACK_SETTINGS, type PlaybackSettings } from './settings';

export type PlayerStatus = 'idle' | 'loading' | 'playing' | 'paused' | 'ended' | 'error';

export type PlayerState = {
  queue: Q.QueueState;
  status: PlayerStatus;
  error: string | null;
  /** The error's reason is a missing or expired session: the banner offers to log in. */
  errorNeedsSignIn: boolean;
  /** A quiet line (unavailable songs skipped), not an error. */
  notice: string | null;
  volume: number;
  muted: boolean;
  levels: QualityLevel[];
  currentLevel: number;
  isAutoQuality: boolean;
  isQueueOpen: boolean;
  /** Normalisation, target loudness and crossfade (persisted on their own). */
  settings: PlaybackSettings;
  /** The play under way (presence reports it); null until a track actually plays. */
  session: PlaySession | null;
};

export type TimeState = { currentTime: number; duration: number; bufferedEnd: number };

export type PlayerApi = {
  playTracks(tracks: Track[], startIndex?: number): void;
  togglePlay(): void;
  play(): void;
  pause(): void;
  next(): void;
  previous(): void;
  seek(sec: number): void;
  seekBy(deltaSec: number): void;
  setVolume(volume: number): void;
  toggleMute(): void;
  toggleShuffle(): void;
  cycleRepeat(): void;
  enqueue(track: Track): void;
  playNext(track: Track): void;
  removeFromQueue(position: number): void;
  moveInQueue(from: number, to: number): void;
  jumpTo(position: number): void;
  setQuality(index: number): void;
  setQueueOpen(open: boolean): void;
  setPlaybackSettings(settings: Partial<PlaybackSettings>): void;
  dismissError(): void;
  /** Ends the listening session (log out): stops playback, forgets the queue and per-user state. */
  reset(): void;
};

export const initialPlayerState: PlayerState = {
  queue: Q.emptyQueue,
  status: 'idle',
  error: null,
  errorNeedsSignIn: false,
  notice: null,
  volume: 0.8,
  muted: false,
  levels: [],
  currentLevel: -1,
  isAutoQuality: true,
  isQueueOpen: false,
  settings: DEFAULT_PLAYBACK_SETTINGS,
  session: null,
};
export const initialTime: TimeState = { currentTime: 0, duration: 0, bufferedEnd: 0 };
