// Playback settings the listener picks in the now-playing bar: loudness normalisation (off, per track,
// per album), the target loudness, and the crossfade between tracks that are not consecutive tracks of
// one album (those always join gaplessly). Kept in localStorage, separately from the queue.
import { DEFAULT_NORMALISATION, type NormalisationMode } from '@tonearm/player';
import { type PlayerStorage, readItem, writeItem } from './persistence';

export type PlaybackSettings = {
  normalisation: NormalisationMode;
  /** Target integrated loudness, LUFS. */
  targetLufs: number;
  /** 0 = gapless; up to 12 s. */
  crossfadeSec: number;
};

export const DEFAULT_PLAYBACK_SETTINGS: PlaybackSettings = {
  normalisation: DEFAULT_NORMALISATION.mode,
  targetLufs: DEFAULT_NORMALISATION.targetLufs,
  crossfadeSec: 0,
};

/** Targets offered: EBU R128 broadcast, Apple/AES streaming, the Spotify/YouTube default, loud. */
export const TARGET_CHOICES = [-23, -18, -16, -14, -11] as const;
export const MAX_CROSSFADE_SEC = 12;
/** Normalised output never exceeds this true peak (EBU R128's ceiling for lossy delivery). */
export const PEAK_CEILING_DBTP = DEFAULT_NORMALISATION.peakCeilingDb;

const KEY = 'tonearm.playback-settings.v1';

export function sanitizeSettings(raw: unknown): PlaybackSettings {
  const d = DEFAULT_PLAYBACK_SETTINGS;
  if (!raw || typeof raw !== 'object') return d;
  const r = raw as Record<string, unknown>;
  const mode = r.normalisation;
  const target = Number(r.targetLufs);
  const fade = Number(r.crossfadeSec);
  return {
    normalisation: mode === 'off' || mode === 'track' || mode === 'album' ? mode : d.normalisation,
    targetLufs: Number.isFinite(target) ? Math.min(Math.max(target, -30), -5) : d.targetLufs,
    crossfadeSec: Number.isFinite(fade) ? Math.min(Math.max(Math.round(fade), 0), MAX_CROSSFADE_SEC) : 0,
  };
}

export function readSettings(storage: PlayerStorage | null): PlaybackSettings {
  const raw = readItem(storage, KEY);
  if (!raw) return DEFAULT_PLAYBACK_SETTINGS;
  try {
    return sanitizeSettings(JSON.parse(raw));
  } catch {
    return DEFAULT_PLAYBACK_SETTINGS;
  }
}

/** Private mode or a full quota: the settings still apply for this visit. */
export function writeSettings(storage: PlayerStorage | null, s: PlaybackSettings): void {
  writeItem(storage, KEY, JSON.stringify(s));
}
