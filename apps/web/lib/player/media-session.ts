'use client';
// The OS media controls (lock screen, headset keys, the browser's media hub): their actions drive the
// player, and they show the current track with its cover and position.
import { useContext, useEffect } from 'react';
import { coverImageUrl } from '../../components/cover';
import { ApiUrlContext } from '../api-url';
import type { PlayerController } from './controller';
import * as Q from './queue';

export function useMediaSession(ctx: Pick<PlayerController, 'api' | 'state' | 'time'>): void {
  // Real covers as raster artwork (lock screens and OS media controls do not all take SVG).
  const apiUrl = useContext(ApiUrlContext) ?? '';
  useEffect(() => {
    if (typeof navigator === 'undefined' || !('mediaSession' in navigator)) return;
    const ms = navigator.mediaSession;
    const { api } = ctx;
    const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
      ['play', () => api.play()],
      ['pause', () => api.pause()],
      ['previoustrack', () => api.previous()],
      ['nexttrack', () => api.next()],
      ['seekbackward', (d) => api.seekBy(-(d.seekOffset ?? 10))],
      ['seekforward', (d) => api.seekBy(d.seekOffset ?? 10)],
      ['seekto', (d) => d.seekTime !== undefined && api.seek(d.seekTime)],
      ['stop', () => api.pause()],
    ];
    for (const [action, handler] of handlers) {
      try {
        ms.setActionHandler(action, handler);
      } catch {
        // An action this browser does not know.
      }
    }
    let lastId: string | null = null;
    const sync = () => {
      const s = ctx.state.get();
      const track = Q.currentTrack(s.queue);
      if (track?.id !== lastId) {
        lastId = track?.id ?? null;
        ms.metadata = track
          ? new MediaMetadata({
              title: track.title,
              artist: track.artistName,
              album: track.albumTitle ?? '',
              artwork: track.coverKey
                ? [
                    {
                      src: coverImageUrl(apiUrl, track.coverKey, 300, 'jpg'),
                      sizes: '300x300',
                      type: 'image/jpeg',
                    },
                    {
                      src: coverImageUrl(apiUrl, track.coverKey, 640, 'jpg'),
                      sizes: '640x640',
                      type: 'image/jpeg',
                    },
                  ]
                : [
                    {
                      src: `/cover/${track.albumId ?? track.id}.svg`,
                      sizes: '512x512',
                      type: 'image/svg+xml',
                    },
                  ],
            })
          : null;
      }
      ms.playbackState = s.status === 'playing' ? 'playing' : s.status === 'idle' ? 'none' : 'paused';
    };
    sync();
    const unsubState = ctx.state.subscribe(sync);
    let lastPosition = 0;
    const unsubTime = ctx.time.subscribe(() => {
      const t = ctx.time.get();
      if (t.duration <= 0 || Math.abs(t.currentTime - lastPosition) < 1) return;
      lastPosition = t.currentTime;
      try {
        ms.setPositionState({
          duration: t.duration,
          position: Math.min(t.currentTime, t.duration),
          playbackRate: 1,
        });
      } catch {
        // Position beyond a duration the browser has already revised.
      }
    });
    return () => {
      unsubState();
      unsubTime();
      for (const [action] of handlers) {
        try {
          ms.setActionHandler(action, null);
        } catch {
          // see above
        }
      }
    };
  }, [ctx]);
}
