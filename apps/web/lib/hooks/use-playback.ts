// Where the player gets a playable source for a song: playback.start returns a signed master
// playlist URL (the signature also as URL parameters and cookies) plus loudness metadata.
import { useCallback } from 'react';
import type { PlaybackSource } from '../player/engine';
import { useTRPCClient } from '../trpc';
import type { Track } from '../types';

export type SourceResolver = (track: Track) => Promise<PlaybackSource>;

export function usePlaybackSourceResolver(): SourceResolver {
  const client = useTRPCClient();
  return useCallback(
    async (track: Track) => {
      const grant = await client.playback.start.mutate({ songId: track.id });
      return {
        songId: grant.songId,
        masterUrl: grant.masterUrl,
        signedQuery: grant.signedQuery || null,
        withCredentials: false,
        expiresAtMs: grant.expiresAt * 1000,
        loudnessLufs: grant.loudness.integratedLufs,
        truePeakDb: grant.loudness.truePeakDb,
        album: grant.album,
        gapless: grant.gapless,
      };
    },
    [client],
  );
}
