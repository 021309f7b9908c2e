'use client';
// The player in React: one controller (controller.ts, framework-free) living in the root layout, so
// playback, the queue and the volume survive navigation (and, through localStorage, a reload).
// Components read state with usePlayerState / usePlayerTime and act through usePlayer(); this file
// only wires the controller in: the resolver, storage and engine it is given, persistence timers,
// the media session and the test diagnostics.
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import type { SourceResolver } from '../hooks/use-playback';
import type { Track } from '../types';
import { createBrowserEngine } from './browser-engine';
import {
  createPlayerController,
  initialPlayerState,
  initialTime,
  type PlayerApi,
  type PlayerController,
  type PlayerState,
  type TimeState,
} from './controller';
import type { GaplessDebug } from './gapless-engine';
import { useMediaSession } from './media-session';
import { browserStorage } from './persistence';
import type { CountedPlay } from './play-tracker';
import * as Q from './queue';

export type { PlayerApi, PlayerState, PlayerStatus, TimeState } from './controller';

declare global {
  interface Window {
    /** Read-only diagnostics of the gapless engine (tests read the gain it applies and its handovers). */
    __tonearmPlayer?: () => GaplessDebug | { engine: 'hls' } | null;
  }
}

const PlayerContext = createContext<PlayerController | null>(null);

export function PlayerProvider({ resolver, children }: { resolver: SourceResolver; children: ReactNode }) {
  const resolverRef = useRef(resolver);
  resolverRef.current = resolver;
  const player = useMemo(
    () =>
      createPlayerController({
        resolve: (track) => resolverRef.current(track),
        createEngine: createBrowserEngine,
        storage: browserStorage(),
      }),
    [],
  );
  useEffect(() => {
    player.restore();
    window.__tonearmPlayer = () => player.debug() as GaplessDebug | { engine: 'hls' } | null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => player.persist(), 500);
    };
    const unsubState = player.state.subscribe(schedule);
    const interval = setInterval(() => player.persist(), 5_000);
    const onHide = () => player.persist();
    window.addEventListener('pagehide', onHide);
    return () => {
      unsubState();
      clearTimeout(timer);
      clearInterval(interval);
      window.removeEventListener('pagehide', onHide);
      player.destroy();
    };
  }, [player]);
  useMediaSession(player);
  return <PlayerContext.Provider value={player}>{children}</PlayerContext.Provider>;
}

function usePlayerContext(): PlayerController {
  const ctx = useContext(PlayerContext);
  if (!ctx) throw new Error('usePlayer must be used inside <PlayerProvider>');
  return ctx;
}

export function usePlayer(): PlayerApi {
  return usePlayerContext().api;
}

/** Subscribes to one slice of the player state; return primitives or stable references. */
export function usePlayerState<T>(select: (s: PlayerState) => T): T {
  const { state } = usePlayerContext();
  return useSyncExternalStore(
    state.subscribe,
    () => select(state.get()),
    () => select(initialPlayerState),
  );
}

export function usePlayerTime<T>(select: (t: TimeState) => T): T {
  const { time } = usePlayerContext();
  return useSyncExternalStore(
    time.subscribe,
    () => select(time.get()),
    () => select(initialTime),
  );
}

export function useCurrentTrack(): Track | null {
  return usePlayerState((s) => Q.currentTrack(s.queue));
}

/** Calls `onPlay` once per play when it counts (the latest callback; no re-subscription). */
export function usePlayCounted(onPlay: (play: CountedPlay) => void): void {
  const player = usePlayerContext();
  const ref = useRef(onPlay);
  ref.current = onPlay;
  useEffect(() => player.onPlayCounted((p) => ref.current(p)), [player]);
}
