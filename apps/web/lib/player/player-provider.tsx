'use client';
// The player: one engine and two stores living in the root layout, so playback, the queue and the
// volume survive navigation (and, through localStorage, a reload). Components read state with
// usePlayerState / usePlayerTime and act through usePlayer().
// Size: About 650 lines: the player controller (createPlayer) and its React provider and hooks; moving
// the controller into a framework-free module with unit tests is open work (issue 21).
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import { coverImageUrl } from '../../components/cover';
import { ApiUrlContext } from '../api-url';
import { describeError } from '../errors';
import type { SourceResolver } from '../hooks/use-playback';
import type { Track } from '../types';
import {
  type EngineError,
  HlsEngine,
  type PlaybackEngine,
  type PlaybackSource,
  type QualityLevel,
} from './engine';
import { canUseGaplessEngine, type GaplessDebug, GaplessEngine } from './gapless-engine';
import * as Q from './queue';
import {
  DEFAULT_PLAYBACK_SETTINGS,
  type PlaybackSettings,
  readSettings,
  sanitizeSettings,
  writeSettings,
} from './settings';
import { createStore, type Store } from './store';

declare global {
  interface Window {
    /** Read-only diagnostics of the gapless engine (tests read the gain it applies and its handovers). */
    __tonearmPlayer?: () => GaplessDebug | { engine: 'hls' } | null;
  }
}

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

type Ctx = { api: PlayerApi; state: Store<PlayerState>; time: Store<TimeState> };
const PlayerContext = createContext<Ctx | null>(null);

const STORAGE_KEY = 'tonearm.player.v1';
/** The listener's chosen quality ("auto" or a bit rate in kbit/s), kept across reloads and songs. */
const QUALITY_KEY = 'tonearm.quality.v1';
const isPlayable = (t: Track) => t.status === 'ready';
/** Preload the next track this long before the current one ends. */
const PRELOAD_LEAD_SEC = 45;
/** "Previous" restarts the current track when it has played longer than this. */
const RESTART_THRESHOLD_SEC = 3;

const initialState: PlayerState = {
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
};

type Persisted = { queue: Q.QueueState; volume: number; muted: boolean; resumeAtSec: number };

function readPersisted(): Persisted | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const p = JSON.parse(raw) as Persisted;
    if (!Array.isArray(p.queue?.tracks) || !Array.isArray(p.queue?.order)) return null;
    return p;
  } catch {
    return null;
  }
}

function readQuality(): 'auto' | number {
  try {
    const v = localStorage.getItem(QUALITY_KEY);
    const n = Number(v);
    return v && Number.isFinite(n) && n > 0 ? n : 'auto';
  } catch {
    return 'auto';
  }
}

function writeQuality(q: 'auto' | number): void {
  try {
    localStorage.setItem(QUALITY_KEY, String(q));
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

function appCodeOf(e: unknown): string | undefined {
  const data = typeof e === 'object' && e !== null ? (e as { data?: { appCode?: string } }).data : undefined;
  return data?.appCode;
}

type PlayerInstance = Ctx & { restore(): void; persist(): void; destroy(): void };

function createPlayer(resolverRef: { current: SourceResolver }): PlayerInstance {
  const state = createStore<PlayerState>(initialState);
  const time = createStore<TimeState>({ currentTime: 0, duration: 0, bufferedEnd: 0 });
  const sources = new Map<string, PlaybackSource>();
  let engine: PlaybackEngine | null = null;
  let gapless: GaplessEngine | null = null;
  let loadToken = 0;
  let loadedSongId: string | null = null;
  let preloadedSongId: string | null = null;
  let refusedRetries = 0;
  let resumeAtSec = 0;
  let appliedQualityFor: string | null = null;

  const patch = (p: Partial<PlayerState>) => state.set((s) => ({ ...s, ...p }));
  const setQueue = (f: (q: Q.QueueState) => Q.QueueState) => state.set((s) => ({ ...s, queue: f(s.queue) }));

  const getEngine = (): PlaybackEngine => {
    if (engine) return engine;
    const listener: ConstructorParameters<typeof HlsEngine>[0] = {
      onState: (st) => {
        if (state.get().status === 'error' && st === 'paused') return;
        patch({ status: st, ...(st === 'playing' ? { error: null } : {}) });
      },
      onTime: (t) => {
        time.set(() => t);
        maybePreload(t);
      },
      onLevels: (levels, currentLevel, isAutoQuality) => {
        patch({ levels, currentLevel, isAutoQuality });
        // A quality chosen before (this song or another, this visit or the last): the level of the
        // same bit rate, once per loaded song.
        const wanted = readQuality();
        if (wanted !== 'auto' && levels.length && appliedQualityFor !== loadedSongId) {
          appliedQualityFor = loadedSongId;
          const level = levels.find((l) => l.bitrateKbps === wanted);
          if (level && (isAutoQuality || currentLevel !== level.index)) engine?.setQuality(level.index);
        }
      },
      onEnded: () => advance(true),
      onError: (e) => handleEngineError(e),
    };
    // Gapless and loudness-normalised wherever MSE and Web Audio exist; hls.js (or native HLS) otherwise.
    if (canUseGaplessEngine()) {
      gapless = new GaplessEngine(listener, state.get().settings);
      engine = gapless;
    } else engine = new HlsEngine(listener);
    const s = state.get();
    engine.setVolume(s.volume, s.muted);
    return engine;
  };

  async function sourceFor(track: Track): Promise<PlaybackSource> {
    const cached = sources.get(track.id);
    if (cached && (cached.expiresAtMs === null || cached.expiresAtMs - Date.now() > 60_000)) return cached;
    const src = await resolverRef.current(track);
    sources.set(track.id, src);
    return src;
  }

  function startCurrent(autoplay: boolean, startAtSec = 0): void {
    const token = ++loadToken;
    const track = Q.currentTrack(state.get().queue);
    preloadedSongId = null;
    if (!track) {
      engine?.pause();
      loadedSongId = null;
      patch({ status: 'idle', error: null, levels: [] });
      return;
    }
    patch({ status: 'loading', error: null });
    time.set(() => ({ currentTime: startAtSec, duration: track.durationSec, bufferedEnd: 0 }));
    const go = (src: PlaybackSource) => {
      if (token !== loadToken) return;
      loadedSongId = track.id;
      getEngine().load(src, { autoplay, startAtSec });
    };
    const cached = sources.get(track.id);
    // A preloaded (or recently resolved) source starts synchronously: no round trip at a track change.
    if (cached && (cached.expiresAtMs === null || cached.expiresAtMs - Date.now() > 60_000)) {
      go(cached);
      return;
    }
    sourceFor(track).then(go, (e) => {
      if (token !== loadToken) return;
      engine?.pause();
      loadedSongId = null;
      const code = appCodeOf(e);
      // A song that lost its audio (or never had it) is skipped with one quiet notice, not a stop.
      if (code === 'CONFLICT' && autoplay && Q.nextPosition(state.get().queue, true) !== null) {
        patch({ notice: `Skipped “${track.title}”: it is not available to play.` });
        advance(true);
        return;
      }
      patch({
        status: 'error',
        error: `Can't play “${track.title}”: ${describeError(e)}`,
        errorNeedsSignIn: code === 'UNAUTHORIZED',
      });
    });
  }

  function maybePreload(t: TimeState): void {
    const next = Q.upNext(state.get().queue);
    if (!next || next.id === preloadedSongId || next.id === loadedSongId) return;
    if (t.duration <= 0 || t.duration - t.currentTime > PRELOAD_LEAD_SEC) return;
    preloadedSongId = next.id;
    sourceFor(next).then(
      (src) => {
        if (preloadedSongId === next.id) engine?.preload(src);
      },
      () => {
        // Preloading is an optimisation: the error shows when the track itself is started.
      },
    );
  }

  function handleEngineError(e: EngineError): void {
    const track = Q.currentTrack(state.get().queue);
    if (e.httpStatus === 403 && track && refusedRetries < 1) {
      // A signature that expired while paused: get a fresh one and resume where we were.
      refusedRetries++;
      sources.delete(track.id);
      startCurrent(true, time.get().currentTime);
      return;
    }
    const prefix = track ? `Can't play “${track.title}”: ` : '';
    patch({ status: e.kind === 'autoplay' ? 'paused' : 'error', error: `${prefix}${e.message}` });
  }

  function advance(auto: boolean): void {
    const q = state.get().queue;
    const p = Q.nextPosition(q, auto);
    if (p === null) {
      if (auto) patch({ status: 'ended' });
      return;
    }
    refusedRetries = 0;
    if (p === q.position && auto) {
      getEngine().seek(0);
      void getEngine().play();
      return;
    }
    setQueue((qq) => Q.jumpTo(qq, p));
    startCurrent(true);
  }

  const api: PlayerApi = {
    playTracks(tracks, startIndex = 0) {
      refusedRetries = 0;
      // Unavailable songs (no audio yet, or failed) never enter the queue: "Play all" plays the rest.
      const start = tracks[startIndex];
      const playable = tracks.filter(isPlayable);
      const skipped = tracks.length - playable.length;
      if (start && !isPlayable(start) && tracks.length === 1) {
        patch({ notice: `“${start.title}” is not available to play yet.` });
        return;
      }
      if (!playable.length) {
        patch({ notice: 'None of these songs is available to play yet.' });
        return;
      }
      const from = start && isPlayable(start) ? playable.indexOf(start) : 0;
      patch({
        notice: skipped ? `${skipped} unavailable ${skipped === 1 ? 'song' : 'songs'} left out.` : null,
      });
      setQueue((q) => Q.playList(q, playable, Math.max(0, from), Math.random));
      startCurrent(true);
    },
    togglePlay() {
      const s = state.get();
      if (s.status === 'playing' || s.status === 'loading') api.pause();
      else api.play();
    },
    play() {
      const s = state.get();
      const track = Q.currentTrack(s.queue);
      if (!track) return;
      if (loadedSongId !== track.id || s.status === 'error') {
        startCurrent(true, loadedSongId === track.id ? time.get().currentTime : resumeAtSec);
        resumeAtSec = 0;
        return;
      }
      if (s.status === 'ended') getEngine().seek(0);
      void getEngine().play();
    },
    pause() {
      if (state.get().status === 'loading' && loadedSongId === null) {
        // Still resolving the source: cancel the pending start.
        loadToken++;
        patch({ status: 'paused' });
        return;
      }
      engine?.pause();
    },
    next() {
      advance(false);
    },
    previous() {
      const q = state.get().queue;
      if (time.get().currentTime > RESTART_THRESHOLD_SEC || Q.previousPosition(q) === null) {
        api.seek(0);
        return;
      }
      refusedRetries = 0;
      setQueue((qq) => Q.jumpTo(qq, Q.previousPosition(qq) ?? qq.position));
      startCurrent(true);
    },
    seek(sec) {
      if (loadedSongId) getEngine().seek(sec);
      else resumeAtSec = sec;
      time.set((t) => ({ ...t, currentTime: Math.max(0, Math.min(sec, t.duration || sec)) }));
    },
    seekBy(delta) {
      api.seek(time.get().currentTime + delta);
    },
    setVolume(volume) {
      const v = Math.max(0, Math.min(1, volume));
      patch({ volume: v, muted: v === 0 });
      engine?.setVolume(v, v === 0);
    },
    toggleMute() {
      const s = state.get();
      const muted = !s.muted;
      const volume = !muted && s.volume === 0 ? 0.5 : s.volume;
      patch({ muted, volume });
      engine?.setVolume(volume, muted);
    },
    toggleShuffle() {
      setQueue((q) => Q.toggleShuffle(q, Math.random));
    },
    cycleRepeat() {
      setQueue(Q.cycleRepeat);
    },
    enqueue(track) {
      const wasEmpty = state.get().queue.position < 0;
      setQueue((q) => Q.enqueue(q, track));
      if (wasEmpty) startCurrent(true);
    },
    playNext(track) {
      const wasEmpty = state.get().queue.position < 0;
      setQueue((q) => Q.playNext(q, track));
      if (wasEmpty) startCurrent(true);
    },
    removeFromQueue(position) {
      setQueue((q) => Q.removeAt(q, position));
    },
    moveInQueue(from, to) {
      setQueue((q) => Q.move(q, from, to));
    },
    jumpTo(position) {
      refusedRetries = 0;
      setQueue((q) => Q.jumpTo(q, position));
      startCurrent(true);
    },
    setQuality(index) {
      engine?.setQuality(index);
      const level = state.get().levels.find((l) => l.index === index);
      writeQuality(index < 0 || !level ? 'auto' : level.bitrateKbps);
      appliedQualityFor = loadedSongId;
    },
    setQueueOpen(open) {
      patch({ isQueueOpen: open });
    },
    setPlaybackSettings(partial) {
      const settings = sanitizeSettings({ ...state.get().settings, ...partial });
      patch({ settings });
      writeSettings(settings);
      gapless?.setSettings(settings);
    },
    dismissError() {
      patch({
        error: null,
        errorNeedsSignIn: false,
        notice: null,
        ...(state.get().status === 'error' ? { status: 'paused' as const } : {}),
      });
    },
    reset() {
      loadToken++;
      engine?.destroy();
      engine = null;
      gapless = null;
      sources.clear();
      loadedSongId = null;
      preloadedSongId = null;
      resumeAtSec = 0;
      state.set((s) => ({ ...initialState, volume: s.volume, muted: s.muted, settings: s.settings }));
      time.set(() => ({ currentTime: 0, duration: 0, bufferedEnd: 0 }));
      try {
        localStorage.removeItem(STORAGE_KEY);
      } catch {
        // Nothing stored.
      }
    },
  };

  return {
    api,
    state,
    time,
    // Restoring happens in an effect (localStorage exists only in the browser).
    restore() {
      patch({ settings: readSettings() });
      window.__tonearmPlayer = () => (gapless ? gapless.debug() : engine ? { engine: 'hls' } : null);
      const p = readPersisted();
      if (!p) return;
      resumeAtSec = p.resumeAtSec || 0;
      state.set((s) => ({ ...s, queue: p.queue, volume: p.volume, muted: p.muted, status: 'paused' }));
      time.set(() => ({
        currentTime: resumeAtSec,
        duration: Q.currentTrack(p.queue)?.durationSec ?? 0,
        bufferedEnd: 0,
      }));
      if (!Q.currentTrack(p.queue)) state.set((s) => ({ ...s, status: 'idle' }));
    },
    persist() {
      const s = state.get();
      const data: Persisted = {
        queue: s.queue,
        volume: s.volume,
        muted: s.muted,
        resumeAtSec: Math.floor(time.get().currentTime),
      };
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(data));
      } catch {
        // Private mode or a full quota: the player still works, it just forgets on reload.
      }
    },
    destroy() {
      engine?.destroy();
      engine = null;
      gapless = null;
    },
  };
}

function useMediaSession(ctx: Ctx): void {
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

export function PlayerProvider({ resolver, children }: { resolver: SourceResolver; children: ReactNode }) {
  const resolverRef = useRef(resolver);
  resolverRef.current = resolver;
  const player = useMemo(() => createPlayer(resolverRef), []);
  useEffect(() => {
    player.restore();
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
  const value = useMemo<Ctx>(() => ({ api: player.api, state: player.state, time: player.time }), [player]);
  return <PlayerContext.Provider value={value}>{children}</PlayerContext.Provider>;
}

function usePlayerContext(): Ctx {
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
    () => select(initialState),
  );
}

const initialTime: TimeState = { currentTime: 0, duration: 0, bufferedEnd: 0 };
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
