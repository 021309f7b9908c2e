// Playback gain for loudness normalisation: track or album mode, a listener-chosen target, and a cap
// from the measured true peak so normalised output never reaches 0 dBTP.

export type NormalisationMode = 'off' | 'track' | 'album';

export type LoudnessInfo = {
  /** EBU R128 integrated loudness, LUFS. */
  loudnessLufs: number | null;
  /** True peak of the source, dBTP. */
  truePeakDb: number | null;
};

export type NormalisationSettings = {
  mode: NormalisationMode;
  /** Target integrated loudness, LUFS (Spotify's default is -14). */
  targetLufs: number;
  /** Highest true peak allowed after gain, dBTP; below 0 to leave room for codec overshoot. */
  peakCeilingDb: number;
};

export const DEFAULT_NORMALISATION: NormalisationSettings = {
  mode: 'album',
  targetLufs: -14,
  peakCeilingDb: -1,
};

export type GainDecision = {
  gainDb: number;
  isPeakLimited: boolean;
  basis: 'off' | 'track' | 'album' | 'none';
};

/**
 * Gain in dB for a track. Album mode uses the album's loudness and peak so every track of the album gets
 * the same gain (its internal dynamics survive) and falls back to track values when the album has none.
 */
export function normalisationGain(
  s: NormalisationSettings,
  track: LoudnessInfo,
  album?: LoudnessInfo | null,
): GainDecision {
  if (s.mode === 'off') return { gainDb: 0, isPeakLimited: false, basis: 'off' };
  const useAlbum = s.mode === 'album' && album?.loudnessLufs != null;
  const src = useAlbum && album ? album : track;
  if (src.loudnessLufs == null) return { gainDb: 0, isPeakLimited: false, basis: 'none' };
  const wanted = s.targetLufs - src.loudnessLufs;
  // The album's peak is the highest of its tracks, so capping by it caps every track.
  const peak = src.truePeakDb ?? track.truePeakDb;
  const cap = peak == null ? Number.POSITIVE_INFINITY : s.peakCeilingDb - peak;
  return wanted > cap
    ? { gainDb: cap, isPeakLimited: true, basis: useAlbum ? 'album' : 'track' }
    : { gainDb: wanted, isPeakLimited: false, basis: useAlbum ? 'album' : 'track' };
}

export const dbToGain = (db: number): number => 10 ** (db / 20);
