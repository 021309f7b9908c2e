// Why one file: its operations share one closure of playback state (engine, load token, resume point, retries).
// The web player's controller, framework-free: the queue and what plays now, play/pause/next/previous,
// shuffle and repeat, volume and quality, the engine it plays through (built lazily by the factory it
// is given), source resolution with preloading of the next track, recovery from refused signatures,
// which plays count (play-tracker.ts), and the queue kept in storage. State lives in two stores
// (state; time at ~4 Hz, so the seek bar re-renders alone); player-provider.tsx wires it into React.
// Unit tests drive it with a fake engine (apps/web/test/controller.test.ts).
import { appData, describeError } from '../errors';
import type { Track } from '../types';
import type { EngineError, EngineFactory, EngineListener, PlaybackEngine, PlaybackSource } from './engine';
import {
  type PlayerStorage,
  readPersistedQueue,
  readQuality,
  writePersistedQueue,
  writeQuality,
} from './persistence';
import { type CountedPlay, PlayTracker } from './play-tracker';
import {
  initialPlayerState,
  initialTime,
  type PlayerApi,
  type PlayerState,
  type TimeState,
} from './player-state';
import * as Q from './queue';
import { readSettings, sanitizeSettings, writeSettings } from './settings';
import { createStore, type Store } from './store';

export type { PlayerApi, PlayerState, PlayerStatus, TimeState } from './player-state';
export { initialPlayerState, initialTime } from './player-state';

export type ControllerDeps = {
  /** A playable source for a track (playback.start); rejections carry the API's `data.appCode`. */
  resolve(track: Track): Promise<PlaybackSource>;
  createEngine: EngineFactory;
  /** Where the queue, quality and settings are kept; null keeps nothing. */
  storage: PlayerStorage | null;
  random?: () => number;
  now?: () => number;
};

export type PlayerController = {
  api: PlayerApi;
  state: Store<PlayerState>;
  time: Store<TimeState>;
  /** Called once per play when it counts (play-tracker.ts); returns the unsubscribe. */
  onPlayCounted(listener: (play: CountedPlay) => void): () => void;
  /** Reads the stored queue and settings (the provider calls it in an effect: storage is browser-only). */
  restore(): void;
  persist(): void;
  /** The engine's diagnostics, `{ engine: 'hls' }` for one without, null before any engine exists. */
  debug(): unknown;
  destroy(): void;
};

const isPlayable = (t: Track) => t.status === 'ready';
/** Preload the next track this long before the current one ends. */
export const PRELOAD_LEAD_SEC = 45;
/** "Previous" restarts the current track when it has played longer than this. */
export const RESTART_THRESHOLD_SEC = 3;
/** A resolved source is reused while its signature has at least this long to live. */
const SOURCE_MARGIN_MS = 60_000;

export function createPlayerController(deps: ControllerDeps): PlayerController {
  const { storage } = deps;
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const state = createStore<PlayerState>(initialPlayerState);
  const time = createStore<TimeState>(initialTime);
  const sources = new Map<string, PlaybackSource>();
  const playListeners = new Set<(play: CountedPlay) => void>();
  let tracker = new PlayTracker(now);
  let engine: PlaybackEngine | null = null;
  let loadToken = 0;
  let loadedSongId: string | null = null;
  let preloadedSongId: string | null = null;
  let refusedRetries = 0;
  let resumeAtSec = 0;
  let appliedQualityFor: string | null = null;

  const patch = (p: Partial<PlayerState>) => state.set((s) => ({ ...s, ...p }));
  const setQueue = (f: (q: Q.QueueState) => Q.QueueState) => state.set((s) => ({ ...s, queue: f(s.queue) }));

  // Which plays count: each settled change of state or time is one observation. An operation (an API
  // call, an engine event) runs as one batch, so the tracker never sees its intermediate states (the
  // next track still "playing" at the previous one's position before its load resets the time).
  let depth = 0;
  const observe = () => {
    const s = state.get();
    const t = time.get();
    const counted = tracker.observe({
      track: Q.currentTrack(s.queue),
      position: s.queue.position,
      status: s.status,
      second: Math.floor(t.currentTime),
      duration: t.duration,
    });
    if (tracker.session !== s.session) patch({ session: tracker.session });
    if (counted) for (const l of playListeners) l(counted);
  };
  const settled = () => {
    if (depth === 0) observe();
  };
  state.subscribe(settled);
  time.subscribe(settled);
  function batched<T extends object>(ops: T): T {
    const out = {} as Record<string, unknown>;
    for (const [name, op] of Object.entries(ops)) {
      out[name] = (...args: unknown[]) => {
        depth++;
        try {
          return (op as (...a: unknown[]) => unknown)(...args);
        } finally {
          if (--depth === 0) observe();
        }
      };
    }
    return out as T;
  }

  const listener: EngineListener = batched({
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
      const wanted = readQuality(storage);
      if (wanted !== 'auto' && levels.length && appliedQualityFor !== loadedSongId) {
        appliedQualityFor = loadedSongId;
        const level = levels.find((l) => l.bitrateKbps === wanted);
        if (level && (isAutoQuality || currentLevel !== level.index)) engine?.setQuality(level.index);
      }
    },
    onEnded: () => advance(true),
    onError: (e) => handleEngineError(e),
  });

  const getEngine = (): PlaybackEngine => {
    if (engine) return engine;
    engine = deps.createEngine(listener, state.get().settings);
    const s = state.get();
    engine.setVolume(s.volume, s.muted);
    return engine;
  };

  const freshSource = (id: string): PlaybackSource | undefined => {
    const cached = sources.get(id);
    return cached && (cached.expiresAtMs === null || cached.expiresAtMs - now() > SOURCE_MARGIN_MS)
      ? cached
      : undefined;
  };

  async function sourceFor(track: Track): Promise<PlaybackSource> {
    const cached = freshSource(track.id);
    if (cached) return cached;
    const src = await deps.resolve(track);
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
    // A preloaded (or recently resolved) source starts synchronously: no round trip at a track change.
    const cached = freshSource(track.id);
    if (cached) {
      go(cached);
      return;
    }
    sourceFor(track).then(go, (e) => {
      if (token !== loadToken) return;
      engine?.pause();
      loadedSongId = null;
      const code = appData(e)?.appCode;
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

  /** Moves to `position` by hand (jump, previous) and starts it. */
  function startAt(position: number): void {
    refusedRetries = 0;
    setQueue((q) => Q.jumpTo(q, position));
    startCurrent(true);
  }

  /** Adds to the queue; an empty queue starts playing what was added. */
  function add(edit: (q: Q.QueueState) => Q.QueueState): void {
    const wasEmpty = state.get().queue.position < 0;
    setQueue(edit);
    if (wasEmpty) startCurrent(true);
  }

  const api: PlayerApi = batched({
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
      setQueue((q) => Q.playList(q, playable, Math.max(0, from), random));
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
      const p = Q.previousPosition(state.get().queue);
      if (time.get().currentTime > RESTART_THRESHOLD_SEC || p === null) api.seek(0);
      else startAt(p);
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
      setQueue((q) => Q.toggleShuffle(q, random));
    },
    cycleRepeat() {
      setQueue(Q.cycleRepeat);
    },
    enqueue(track) {
      add((q) => Q.enqueue(q, track));
    },
    playNext(track) {
      add((q) => Q.playNext(q, track));
    },
    removeFromQueue(position) {
      setQueue((q) => Q.removeAt(q, position));
    },
    moveInQueue(from, to) {
      setQueue((q) => Q.move(q, from, to));
    },
    jumpTo(position) {
      startAt(position);
    },
    setQuality(index) {
      engine?.setQuality(index);
      const level = state.get().levels.find((l) => l.index === index);
      writeQuality(storage, index < 0 || !level ? 'auto' : level.bitrateKbps);
      appliedQualityFor = loadedSongId;
    },
    setQueueOpen(open) {
      patch({ isQueueOpen: open });
    },
    setPlaybackSettings(partial) {
      const settings = sanitizeSettings({ ...state.get().settings, ...partial });
      patch({ settings });
      writeSettings(storage, settings);
      engine?.setSettings?.(settings);
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
      sources.clear();
      loadedSongId = null;
      preloadedSongId = null;
      resumeAtSec = 0;
      tracker = new PlayTracker(now);
      state.set((s) => ({ ...initialPlayerState, volume: s.volume, muted: s.muted, settings: s.settings }));
      time.set(() => initialTime);
      writePersistedQueue(storage, null);
    },
  });

  return {
    api,
    state,
    time,
    onPlayCounted(l) {
      playListeners.add(l);
      return () => playListeners.delete(l);
    },
    restore() {
      patch({ settings: readSettings(storage) });
      const p = readPersistedQueue(storage);
      if (!p) return;
      const track = Q.currentTrack(p.queue);
      resumeAtSec = track ? Math.min(p.resumeAtSec, track.durationSec) : 0;
      patch({ queue: p.queue, volume: p.volume, muted: p.muted, status: track ? 'paused' : 'idle' });
      time.set(() => ({ currentTime: resumeAtSec, duration: track?.durationSec ?? 0, bufferedEnd: 0 }));
    },
    persist() {
      const s = state.get();
      writePersistedQueue(storage, {
        queue: s.queue,
        volume: s.volume,
        muted: s.muted,
        resumeAtSec: Math.floor(time.get().currentTime),
      });
    },
    debug() {
      return engine ? (engine.debug?.() ?? { engine: 'hls' }) : null;
    },
    destroy() {
      engine?.destroy();
      engine = null;
    },
  };
}
