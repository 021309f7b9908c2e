// The web player's controller without React or a browser: a fake PlaybackEngine (the project's own
// interface, recording what it is told and letting the test play its events back) and a map for
// storage. The real engines are covered by the e2e suites (gapless-player, playback, play-reports).
import { describe, expect, it } from 'vitest';
import { type ControllerDeps, createPlayerController } from '../lib/player/controller';
import type { EngineListener, PlaybackEngine, PlaybackSource } from '../lib/player/engine';
import { type PlayerStorage, QUALITY_KEY, QUEUE_KEY } from '../lib/player/persistence';
import type { CountedPlay } from '../lib/player/play-tracker';
import type { PlaybackSettings } from '../lib/player/settings';
import type { Track } from '../lib/types';

const track = (n: number, extra: Partial<Track> = {}): Track => ({
  id: `t${n}`,
  title: `Song ${n}`,
  artistId: 'a',
  artistName: 'Artist',
  albumId: 'al',
  albumTitle: 'Album',
  durationSec: 200,
  status: 'ready',
  ...extra,
});
const three = [1, 2, 3].map((n) => track(n));

class FakeEngine implements PlaybackEngine {
  calls: string[] = [];
  loads: { songId: string; autoplay: boolean; startAtSec: number }[] = [];
  preloads: (string | null)[] = [];
  settings: PlaybackSettings[] = [];
  volume: [number, boolean] | null = null;
  destroyed = false;
  constructor(
    readonly listener: EngineListener,
    readonly initialSettings: PlaybackSettings,
  ) {}
  load(source: PlaybackSource, opts: { autoplay: boolean; startAtSec?: number }) {
    this.loads.push({ songId: source.songId, autoplay: opts.autoplay, startAtSec: opts.startAtSec ?? 0 });
    this.listener.onState(opts.autoplay ? 'loading' : 'paused');
  }
  preload(source: PlaybackSource | null) {
    this.preloads.push(source?.songId ?? null);
  }
  async play() {
    this.calls.push('play');
  }
  pause() {
    this.calls.push('pause');
  }
  seek(sec: number) {
    this.calls.push(`seek ${sec}`);
  }
  setVolume(volume: number, muted: boolean) {
    this.volume = [volume, muted];
  }
  setQuality(index: number) {
    this.calls.push(`quality ${index}`);
  }
  setSettings(s: PlaybackSettings) {
    this.settings.push(s);
  }
  destroy() {
    this.destroyed = true;
  }
  /** The audio is playing at `sec` of a track `duration` long. */
  playingAt(sec: number, duration = 200) {
    this.listener.onState('playing');
    this.listener.onTime({ currentTime: sec, duration, bufferedEnd: sec + 10 });
  }
  /** Plays from `from` to `to`, one timeupdate per second, as a media element reports it. */
  playThrough(from: number, to: number, duration = 200) {
    for (let s = from; s <= to; s++) this.playingAt(s, duration);
  }
}

class MapStorage implements PlayerStorage {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const source = (songId: string, expiresAtMs: number | null = null): PlaybackSource => ({
  songId,
  masterUrl: `https://cdn.test/${songId}/master.m3u8`,
  signedQuery: null,
  withCredentials: false,
  expiresAtMs,
  loudnessLufs: -14,
  truePeakDb: -1,
});

/** A deterministic "random" source (LCG), so shuffles are reproducible. */
const seeded = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) % 2 ** 32;
  return seed / 2 ** 32;
};

const flush = () => new Promise((r) => setTimeout(r, 0));

function harness({ fail = {}, ...over }: Partial<ControllerDeps> & { fail?: Record<string, unknown> } = {}) {
  const engines: FakeEngine[] = [];
  const resolved: string[] = [];
  const storage = (over.storage as MapStorage | undefined) ?? new MapStorage();
  const player = createPlayerController({
    resolve: async (t) => {
      resolved.push(t.id);
      if (fail[t.id]) throw fail[t.id];
      return source(t.id);
    },
    createEngine: (listener, settings) => {
      const e = new FakeEngine(listener, settings);
      engines.push(e);
      return e;
    },
    storage,
    random: seeded(7),
    ...over,
  });
  const plays: CountedPlay[] = [];
  player.onPlayCounted((p) => plays.push(p));
  const engine = () => {
    const e = engines.at(-1);
    if (!e) throw new Error('no engine yet');
    return e;
  };
  const current = () => {
    const q = player.state.get().queue;
    return q.tracks[q.order[q.position]!]?.id ?? null;
  };
  return { player, engines, engine, resolved, storage, plays, current };
}

async function started(tracks: Track[], at = 0, over: Parameters<typeof harness>[0] = {}) {
  const h = harness(over);
  h.player.api.playTracks(tracks, at);
  await flush();
  return h;
}

describe('the queue', () => {
  it('plays a list from the chosen track, leaving out songs that cannot play, with one notice', async () => {
    const list = [track(1), track(2, { status: 'transcoding' }), track(3), track(4, { status: 'failed' })];
    const h = await started(list, 2);
    expect(h.current()).toBe('t3');
    expect(h.player.state.get().queue.tracks.map((t) => t.id)).toEqual(['t1', 't3']);
    expect(h.player.state.get().notice).toBe('2 unavailable songs left out.');
    expect(h.engine().loads).toEqual([{ songId: 't3', autoplay: true, startAtSec: 0 }]);
    expect(h.player.state.get().status).toBe('loading');
    h.engine().playingAt(0);
    expect(h.player.state.get().status).toBe('playing');
  });

  it('refuses a single unavailable song, or a list of them, without touching what plays', async () => {
    const h = await started(three);
    h.player.api.playTracks([track(9, { status: 'transcoding' })]);
    expect(h.player.state.get().notice).toBe('“Song 9” is not available to play yet.');
    h.player.api.playTracks([track(8, { status: 'failed' }), track(9, { status: 'transcoding' })]);
    expect(h.player.state.get().notice).toBe('None of these songs is available to play yet.');
    expect(h.current()).toBe('t1');
    expect(h.engine().loads).toHaveLength(1);
  });

  it('adding to an empty queue starts it; adding to a playing one does not interrupt', async () => {
    const h = harness();
    h.player.api.enqueue(track(1));
    await flush();
    expect(h.engine().loads.map((l) => l.songId)).toEqual(['t1']);
    h.player.api.playNext(track(2));
    h.player.api.enqueue(track(3));
    await flush();
    expect(h.engine().loads).toHaveLength(1);
    expect(h.player.state.get().queue.order.map((i) => h.player.state.get().queue.tracks[i]!.id)).toEqual([
      't1',
      't2',
      't3',
    ]);
  });

  it('next stops at the end with repeat off; the track ending by itself there ends the queue', async () => {
    const h = await started(three, 2);
    h.player.api.next();
    expect(h.current()).toBe('t3');
    expect(h.engine().loads).toHaveLength(1);
    h.engine().listener.onState('ended');
    h.engine().listener.onEnded();
    expect(h.player.state.get().status).toBe('ended');
    // Play after the end starts the track over.
    h.player.api.play();
    expect(h.engine().calls.slice(-2)).toEqual(['seek 0', 'play']);
  });

  it('previous restarts the track after 3 s, goes back before that, and restarts the first track', async () => {
    const h = await started(three, 1);
    h.engine().playingAt(10);
    h.player.api.previous();
    expect(h.current()).toBe('t2');
    expect(h.engine().calls).toContain('seek 0');
    h.engine().playingAt(1);
    h.player.api.previous();
    await flush();
    expect(h.current()).toBe('t1');
    h.engine().playingAt(1);
    h.player.api.previous();
    expect(h.current()).toBe('t1');
    expect(h.engine().calls.at(-1)).toBe('seek 0');
  });

  it('repeat all wraps both ways; repeat one replays the track that ended, but next still moves on', async () => {
    const h = await started(three, 2);
    h.player.api.cycleRepeat();
    expect(h.player.state.get().queue.repeat).toBe('all');
    h.player.api.next();
    await flush();
    expect(h.current()).toBe('t1');
    h.player.api.previous();
    await flush();
    expect(h.current()).toBe('t3');

    h.player.api.cycleRepeat();
    expect(h.player.state.get().queue.repeat).toBe('one');
    const loads = h.engine().loads.length;
    h.engine().listener.onEnded();
    expect(h.current()).toBe('t3');
    expect(h.engine().loads).toHaveLength(loads); // the same deck, from the start
    expect(h.engine().calls.slice(-2)).toEqual(['seek 0', 'play']);
    h.player.api.next();
    await flush();
    expect(h.current()).toBe('t1');
    h.player.api.cycleRepeat();
    expect(h.player.state.get().queue.repeat).toBe('off');
  });

  it('shuffle keeps the current track playing and puts every other track after it; off restores the order', async () => {
    const list = [1, 2, 3, 4, 5, 6].map((n) => track(n));
    const h = await started(list, 3);
    h.player.api.toggleShuffle();
    const q = h.player.state.get().queue;
    expect(q.shuffle).toBe(true);
    expect(h.current()).toBe('t4');
    expect(q.position).toBe(0);
    expect([...q.order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(q.order).not.toEqual([3, 0, 1, 2, 4, 5]); // seeded: really shuffled
    expect(h.engine().loads).toHaveLength(1); // toggling does not restart anything
    h.player.api.toggleShuffle();
    expect(h.player.state.get().queue.order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.current()).toBe('t4');
  });

  it('jumps, removes and moves entries without losing the current track', async () => {
    const h = await started([1, 2, 3, 4].map((n) => track(n)));
    h.player.api.moveInQueue(3, 1); // t4 up next
    h.player.api.removeFromQueue(2); // t2 gone
    h.player.api.removeFromQueue(0); // the current one: refused
    expect(h.current()).toBe('t1');
    h.player.api.next();
    await flush();
    expect(h.current()).toBe('t4');
    h.player.api.jumpTo(2);
    await flush();
    expect(h.current()).toBe('t3');
    expect(h.engine().loads.map((l) => l.songId)).toEqual(['t1', 't4', 't3']);
  });
});

describe('the engine', () => {
  it('is built once, lazily, with the settings and volume; settings changes reach it and storage', async () => {
    const h = harness();
    h.player.api.setVolume(0.3);
    expect(h.engines).toHaveLength(0);
    h.player.api.playTracks(three);
    await flush();
    h.player.api.next();
    await flush();
    expect(h.engines).toHaveLength(1);
    expect(h.engine().volume).toEqual([0.3, false]);
    h.player.api.setPlaybackSettings({ crossfadeSec: 4.4, normalisation: 'album' });
    expect(h.engine().settings.at(-1)).toMatchObject({ crossfadeSec: 4, normalisation: 'album' });
    expect(JSON.parse(h.storage.getItem('tonearm.playback-settings.v1')!)).toMatchObject({ crossfadeSec: 4 });
    h.player.api.toggleMute();
    expect(h.engine().volume).toEqual([0.3, true]);
    expect(h.player.debug()).toEqual({ engine: 'hls' }); // an engine without diagnostics
  });

  it('preloads the next track 45 s before the end, then starts it without another round trip', async () => {
    const h = await started(three);
    h.engine().playingAt(100, 200);
    await flush();
    expect(h.engine().preloads).toEqual([]);
    h.engine().playingAt(160, 200);
    await flush();
    expect(h.engine().preloads).toEqual(['t2']);
    expect(h.resolved).toEqual(['t1', 't2']);
    h.engine().listener.onEnded();
    // Synchronous: the preloaded grant is used at once.
    expect(h.engine().loads.at(-1)).toEqual({ songId: 't2', autoplay: true, startAtSec: 0 });
    expect(h.resolved).toEqual(['t1', 't2']);
  });

  it('re-resolves a source whose signature is about to expire', async () => {
    let n = 0;
    const h = await started(three, 0, {
      resolve: async (t) => source(t.id, Date.now() + (n++ === 0 ? 30_000 : 3_600_000)),
    });
    h.player.api.jumpTo(1);
    await flush();
    h.player.api.jumpTo(0); // t1's grant has 30 s left: fetched again
    await flush();
    expect(n).toBe(3);
  });

  it('a refused signature (403) is fetched again once and resumes where it was; a second refusal is an error', async () => {
    const h = await started(three);
    h.engine().playingAt(42);
    h.engine().listener.onError({ kind: 'network', message: 'refused', httpStatus: 403 });
    await flush();
    expect(h.resolved).toEqual(['t1', 't1']);
    expect(h.engine().loads.at(-1)).toEqual({ songId: 't1', autoplay: true, startAtSec: 42 });
    h.engine().listener.onError({
      kind: 'network',
      message: 'The stream was refused (403).',
      httpStatus: 403,
    });
    expect(h.player.state.get()).toMatchObject({
      status: 'error',
      error: "Can't play “Song 1”: The stream was refused (403).",
    });
    // A late "paused" from the element does not hide the error.
    h.engine().listener.onState('paused');
    expect(h.player.state.get().status).toBe('error');
    h.player.api.dismissError();
    expect(h.player.state.get()).toMatchObject({ status: 'paused', error: null });
  });

  it('an autoplay refusal pauses with the reason; play() then plays', async () => {
    const h = await started(three);
    h.engine().listener.onError({
      kind: 'autoplay',
      message: 'The browser blocked playback. Press play to start.',
      httpStatus: null,
    });
    expect(h.player.state.get()).toMatchObject({
      status: 'paused',
      error: expect.stringContaining('blocked'),
    });
    h.player.api.play();
    expect(h.engine().calls.at(-1)).toBe('play');
  });

  it('a song that lost its audio (CONFLICT) is skipped with a notice; a missing session asks to log in', async () => {
    const h = await started(three, 0, {
      fail: { t1: { message: 'gone', data: { appCode: 'CONFLICT' } } },
    });
    await flush();
    expect(h.current()).toBe('t2');
    expect(h.player.state.get().notice).toBe('Skipped “Song 1”: it is not available to play.');
    expect(h.engine().loads.map((l) => l.songId)).toEqual(['t2']);

    const signedOut = await started(three, 0, {
      fail: { t1: { message: 'no session', data: { appCode: 'UNAUTHORIZED' } } },
    });
    expect(signedOut.player.state.get()).toMatchObject({
      status: 'error',
      error: "Can't play “Song 1”: Log in first.",
      errorNeedsSignIn: true,
    });
    expect(signedOut.engines).toHaveLength(0);
  });

  it('pausing while the source is still resolving cancels the start', async () => {
    const h = harness();
    h.player.api.playTracks(three);
    h.player.api.pause();
    await flush();
    expect(h.engines).toHaveLength(0);
    expect(h.player.state.get().status).toBe('paused');
  });

  it('applies a quality chosen before to the next song, by bit rate, once per song', async () => {
    const h = await started(three);
    const levels = [
      { index: 0, bitrateKbps: 64, name: '64 kbps', isLossless: false },
      { index: 1, bitrateKbps: 128, name: '128 kbps', isLossless: false },
    ];
    h.engine().listener.onLevels(levels, 0, true);
    expect(h.engine().calls.filter((c) => c.startsWith('quality'))).toEqual([]); // nothing chosen yet
    h.player.api.setQuality(1); // the listener picks 128 kbps: 'quality 1'
    expect(h.storage.getItem(QUALITY_KEY)).toBe('128');
    h.player.api.next();
    await flush();
    h.engine().listener.onLevels(levels, 0, true);
    h.engine().listener.onLevels(levels, 0, true);
    // The next song gets the level of the same bit rate once, not at every level event.
    expect(h.engine().calls.filter((c) => c.startsWith('quality'))).toEqual(['quality 1', 'quality 1']);
    h.player.api.setQuality(-1);
    expect(h.storage.getItem(QUALITY_KEY)).toBe('auto');
  });
});

describe('what counts as a play', () => {
  it('counts once, after 30 s heard while playing, back-dated to when the play started', async () => {
    const h = await started(three);
    const t0 = Date.now();
    h.engine().playThrough(0, 29);
    expect(h.plays).toEqual([]);
    expect(h.player.state.get().session).toMatchObject({ songId: 't1', durationSec: 200 });
    h.engine().playThrough(30, 60);
    expect(h.plays).toHaveLength(1);
    expect(h.plays[0]).toMatchObject({ songId: 't1', playedSec: 30 });
    expect(Math.abs(h.plays[0]!.startedAt - t0)).toBeLessThan(1_000);
  });

  it('counts half of a short track; seeking forward or sitting paused hears nothing', async () => {
    const h = await started([track(1, { durationSec: 20 }), track(2)]);
    h.engine().playThrough(0, 4, 20);
    h.engine().playingAt(15, 20); // a seek: no seconds heard
    h.engine().listener.onState('paused');
    h.engine().listener.onTime({ currentTime: 16, duration: 20, bufferedEnd: 20 });
    h.engine().listener.onTime({ currentTime: 17, duration: 20, bufferedEnd: 20 });
    expect(h.plays).toEqual([]);
    h.engine().playThrough(17, 22, 20); // 4 + 5 = 9 s heard, threshold 10 s
    expect(h.plays).toEqual([]);
    h.engine().playThrough(23, 23, 20);
    expect(h.plays).toMatchObject([{ songId: 't1', playedSec: 10 }]);
  });

  it('a new entry, or the same one started over (repeat one), is a new play', async () => {
    const h = await started(three);
    h.engine().playThrough(0, 40);
    h.player.api.cycleRepeat();
    h.player.api.cycleRepeat(); // one
    h.engine().listener.onEnded();
    const first = h.player.state.get().session;
    h.engine().playThrough(0, 31);
    expect(h.player.state.get().session).not.toBe(first);
    h.player.api.next();
    await flush();
    h.engine().playThrough(0, 31);
    expect(h.plays.map((p) => p.songId)).toEqual(['t1', 't1', 't2']);
    // Each play dates from when it started (31 s of it heard, no time passed): not from the previous
    // track's position when the queue moved on.
    expect(Math.abs(Date.now() - h.plays[2]!.startedAt)).toBeLessThan(1_000);
  });

  it('loading is not a play: no session until the audio plays, none once the queue is reset', async () => {
    const h = await started(three);
    expect(h.player.state.get().session).toBeNull();
    h.engine().playingAt(0);
    expect(h.player.state.get().session?.songId).toBe('t1');
    h.player.api.reset();
    expect(h.player.state.get().session).toBeNull();
    expect(h.engines[0]!.destroyed).toBe(true);
  });
});

describe('the stored queue', () => {
  it('restores the queue, volume and position after a reload, paused, and resumes there', async () => {
    const storage = new MapStorage();
    const a = await started(three, 1, { storage });
    a.player.api.setVolume(0.4);
    a.player.api.cycleRepeat();
    a.engine().playingAt(73.6);
    a.player.persist();

    const b = harness({ storage });
    b.player.restore();
    expect(b.current()).toBe('t2');
    expect(b.player.state.get()).toMatchObject({ status: 'paused', volume: 0.4, muted: false });
    expect(b.player.state.get().queue.repeat).toBe('all');
    expect(b.player.time.get().currentTime).toBe(73);
    expect(b.engines).toHaveLength(0); // nothing loads until the listener presses play
    b.player.api.play();
    await flush();
    expect(b.engine().loads).toEqual([{ songId: 't2', autoplay: true, startAtSec: 73 }]);
  });

  it('reset forgets the stored queue but keeps volume and settings', async () => {
    const h = await started(three);
    h.player.api.setVolume(0.2);
    h.player.persist();
    expect(h.storage.getItem(QUEUE_KEY)).not.toBeNull();
    h.player.api.reset();
    expect(h.storage.getItem(QUEUE_KEY)).toBeNull();
    expect(h.engines[0]!.destroyed).toBe(true);
    expect(h.player.state.get()).toMatchObject({ status: 'idle', volume: 0.2 });
    expect(h.player.state.get().queue.tracks).toEqual([]);
  });

  const valid = () => ({
    queue: { tracks: three, order: [0, 1, 2], position: 1, shuffle: false, repeat: 'off' },
    volume: 0.5,
    muted: false,
    resumeAtSec: 12,
  });
  const hostile: [string, string][] = [
    ['not JSON', '{"queue":'],
    ['JSON null', 'null'],
    ['an array', '[1,2,3]'],
    ['a position past the order', JSON.stringify({ ...valid(), queue: { ...valid().queue, position: 3 } })],
    [
      'an order naming a missing track',
      JSON.stringify({ ...valid(), queue: { ...valid().queue, order: [0, 1, 7] } }),
    ],
    ['a track listed twice', JSON.stringify({ ...valid(), queue: { ...valid().queue, order: [0, 0, 1] } })],
    ['a fractional index', JSON.stringify({ ...valid(), queue: { ...valid().queue, order: [0, 1.5, 2] } })],
    [
      'a track without an id',
      JSON.stringify({
        ...valid(),
        queue: { ...valid().queue, tracks: [{ title: 'x' }, ...three.slice(1)] },
      }),
    ],
    [
      'a track whose title is an object',
      JSON.stringify({
        ...valid(),
        queue: { ...valid().queue, tracks: [{ ...three[0], title: { toString: 1 } }, ...three.slice(1)] },
      }),
    ],
    [
      'an unknown repeat mode',
      JSON.stringify({ ...valid(), queue: { ...valid().queue, repeat: 'forever' } }),
    ],
    ['tracks as a string', JSON.stringify({ ...valid(), queue: { ...valid().queue, tracks: 'abc' } })],
  ];
  it.each(hostile)('ignores a stored queue with %s: nothing plays, nothing breaks', (_, raw) => {
    const storage = new MapStorage();
    storage.setItem(QUEUE_KEY, raw);
    const h = harness({ storage });
    h.player.restore();
    expect(h.player.state.get()).toMatchObject({ status: 'idle', queue: { tracks: [], position: -1 } });
    h.player.api.play();
    expect(h.engines).toHaveLength(0);
  });

  it('clamps a stored volume and resume point that are out of range', () => {
    const storage = new MapStorage();
    storage.setItem(QUEUE_KEY, JSON.stringify({ ...valid(), volume: 7, muted: 'yes', resumeAtSec: 1e9 }));
    const h = harness({ storage });
    h.player.restore();
    expect(h.player.state.get()).toMatchObject({ volume: 1, muted: false, status: 'paused' });
    expect(h.player.time.get().currentTime).toBe(200);
  });

  it('works without storage, and with storage that throws (private mode, full quota)', async () => {
    const none = await started(three, 0, { storage: null });
    none.player.persist();
    none.player.restore();
    expect(none.current()).toBe('t1');
    const throwing: PlayerStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const h = await started(three, 0, { storage: throwing });
    h.player.persist();
    h.player.api.setQuality(0);
    h.player.restore();
    h.player.api.reset();
    expect(h.player.state.get().status).toBe('idle');
  });
});
