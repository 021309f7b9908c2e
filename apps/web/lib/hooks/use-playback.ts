// Where the player gets a playable source for a song: `playback.start` (issue 4) returns a signed
// master playlist URL plus loudness metadata. Wiring it is a change inside this hook only.
import { useCallback } from 'react';
import type { PlaybackSource } from '../player/engine';
import type { Track } from '../types';
import { FeatureUnavailableError } from './feature';

export type SourceResolver = (track: Track) => Promise<PlaybackSource>;

export function usePlaybackSourceResolver(): SourceResolver {
  return useCallback(async (_track: Track) => {
    throw new FeatureUnavailableError('Playback');
  }, []);
}
