// Why one file: the queue, seek and crossfade logic share the player's state (deck, network, level and abr are apart).
// The gapless player: the queue, the current deck and (while a crossfade runs) the next one, ABR
// across segments, normalisation and events.
import { type AbrOptions, chooseLevel, DEFAULT_ABR, ThroughputEstimator } from './abr';
import { Deck } from './deck';
import type {
  Entry,
  Level,
  PlaybackActivity,
  PlayerEvents,
  PlayerOptions,
  PlayerState,
  TrackInput,
} from './engine-types';
import {
  DEFAULT_NORMALISATION,
  dbToGain,
  type GainDecision,
  type NormalisationSettings,
  normalisationGain,
} from './loudness';
import { HttpError } from './network';

export class GaplessPlayer {
  readonly audioContext: AudioContext;
  /** Final node: everything the listener hears passes here (taps for meters or recording go on it). */
  readonly output: GainNode;
  readonly estimator: ThroughputEstimator;
  /** Media elements (decks) created so far: a gapless track change creates none. */
  decksCreated = 0;
  bufferAheadSeconds: number;
  private readonly volumeNode: GainNode;
  /** A level pinned by the listener (index into levels sorted by bandwidth); null = adaptive. */
  private manualLevel: number | null = null;
  private crossfadeSeconds: number;
  private crossfadeAlbumTracks: boolean;
  private norm: NormalisationSettings;
  private readonly abrOpts: AbrOptions;
  private queue: TrackInput[] = [];
  private deck: Deck | null = null;
  /** The deck a crossfade is bringing in, with the context time it starts. */
  private incoming: { deck: Deck; startsAt: number | null } | null = null;
  private readonly listeners = new Map<keyof PlayerEvents, Set<(v: never) => void>>();
  private readonly initCache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private last = { trackIndex: -1, level: -1 };
  private isPlaying = false;
  private scheduledGain = new WeakMap<Entry, boolean>();

  constructor(opts: PlayerOptions = {}) {
    this.audioContext = opts.audioContext ?? new AudioContext({ latencyHint: 'playback' });
    this.output = this.audioContext.createGain();
    // Volume after the output tap: meters and recorders on `output` see the normalised signal.
    this.volumeNode = this.audioContext.createGain();
    this.output.connect(this.volumeNode).connect(this.audioContext.destination);
    this.bufferAheadSeconds = opts.bufferAheadSeconds ?? 20;
    this.crossfadeSeconds = clampCrossfade(opts.crossfadeSeconds ?? 0);
    this.crossfadeAlbumTracks = opts.crossfadeAlbumTracks ?? false;
    this.norm = { ...DEFAULT_NORMALISATION, ...opts.normalisation };
    this.abrOpts = { ...DEFAULT_ABR, ...opts.abr };
    this.estimator = new ThroughputEstimator(this.abrOpts);
  }

  on<K extends keyof PlayerEvents>(event: K, fn: (v: PlayerEvents[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as (v: never) => void);
    return () => set.delete(fn as (v: never) => void);
  }

  emit<K extends keyof PlayerEvents>(event: K, value: PlayerEvents[K]): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (v: PlayerEvents[K]) => void)(value);
  }

  fail(err: Error): void {
    this.emit('error', err);
  }

  /** Replaces the queue and prepares `startIndex` (and the tracks that follow it gaplessly). */
  setQueue(tracks: TrackInput[], startIndex = 0, startOffsetSeconds = 0): void {
    this.stopDecks();
    this.queue = [...tracks];
    this.last = { trackIndex: -1, level: -1 };
    if (tracks.length === 0) return;
    this.deck = new Deck(this, this.audioContext, this.output);
    this.deck.add(startIndex, this.queue[startIndex]!, startOffsetSeconds);
    this.applyGain(this.deck, this.deck.entries[0]!, this.audioContext.currentTime);
    this.extend(this.deck);
  }

  /**
   * Replaces what follows the playing track (the listener reordered the queue after the next track
   * was queued): the queued entries and their buffered audio go, `tracks` follow instead, still
   * gaplessly. False when the playhead is within 0.5 s of the next track (or a crossfade runs): the
   * caller then starts the wanted track itself.
   */
  replaceUpcoming(tracks: TrackInput[]): boolean {
    const d = this.deck;
    if (!d || this.incoming) return false;
    const t = d.el.currentTime;
    const cur = d.entryAt(t);
    if (!cur) return false;
    if (d.entries.some((e) => e.queueIndex > cur.queueIndex && e.startSeconds < t + 0.5)) return false;
    d.truncateAfter(cur.queueIndex);
    this.queue = [...this.queue.slice(0, cur.queueIndex + 1), ...tracks];
    this.extend(d);
    return true;
  }

  /** Appends to the queue; a track that can follow gaplessly joins the playing deck. */
  enqueue(track: TrackInput): void {
    this.queue.push(track);
    if (this.deck) {
      this.deck.isSealed = false;
      this.extend(this.deck);
    }
  }

  async play(): Promise<void> {
    if (this.audioContext.state !== 'running') await this.audioContext.resume();
    this.isPlaying = true;
    this.timer ??= setInterval(() => this.tick(), 40);
    await this.deck?.el.play();
  }

  /** Jumps to `seconds` into queue track `trackIndex` (default: the current one), keeping play/pause. */
  async seek(seconds: number, trackIndex = Math.max(this.state.trackIndex, 0)): Promise<void> {
    // Within what the playing deck already holds (same track or one queued gaplessly behind it):
    // move the playhead, keeping the element, the buffer and the queued tracks.
    const d = this.deck;
    const e = d?.entries.find((x) => x.queueIndex === trackIndex && x.isPositioned);
    if (d && e && !this.incoming) {
      const t = e.startSeconds + Math.min(Math.max(seconds, 0), e.endSeconds - e.startSeconds);
      if (t >= e.startSeconds + e.startOffset && d.isBuffered(t)) {
        d.el.currentTime = t;
        return;
      }
    }
    const wasPlaying = this.isPlaying;
    this.setQueue(this.queue, trackIndex, seconds);
    if (wasPlaying) await this.play();
  }

  pause(): void {
    this.isPlaying = false;
    this.deck?.el.pause();
    this.incoming?.deck.el.pause();
  }

  /** Listener volume, linear 0..1 (after the output tap). */
  setVolume(volume: number): void {
    this.volumeNode.gain.value = Math.min(Math.max(volume, 0), 1);
  }

  /** Pins a level (index into the levels sorted by bandwidth) for the next segments; null = adaptive. */
  setManualLevel(level: number | null): void {
    this.manualLevel = level === null || level < 0 ? null : level;
  }

  get manualLevelIndex(): number | null {
    return this.manualLevel;
  }

  /** The normalisation gain the playing deck applies right now, in dB (what the listener hears). */
  get appliedGainDb(): number | null {
    const g = this.deck?.norm.gain.value;
    return g === undefined || g <= 0 ? null : 20 * Math.log10(g);
  }

  /** The queue as the engine holds it (the tracks given to setQueue and enqueue). */
  get tracks(): readonly TrackInput[] {
    return this.queue;
  }

  deckActivity(deck: Deck, activity: PlaybackActivity): void {
    if (deck === this.deck) this.emit('activity', activity);
  }

  setCrossfade(seconds: number): void {
    this.crossfadeSeconds = clampCrossfade(seconds);
  }

  /** Normalisation mode and target; `{ mode: 'off' }` turns it off. Applies from the current track on. */
  setNormalisation(s: Partial<NormalisationSettings>): void {
    this.norm = { ...this.norm, ...s };
    if (this.deck) {
      const e = this.deck.entryAt(this.deck.el.currentTime);
      if (e) this.applyGain(this.deck, e, this.audioContext.currentTime);
    }
  }

  get normalisation(): NormalisationSettings {
    return { ...this.norm };
  }

  gainFor(track: TrackInput): GainDecision {
    return normalisationGain(this.norm, track, track.album);
  }

  get state(): PlayerState {
    const d = this.deck;
    const e = d?.entryAt(d.el.currentTime);
    if (!d || !e)
      return {
        trackIndex: -1,
        trackId: null,
        timeSeconds: 0,
        durationSeconds: 0,
        level: -1,
        bitrateBps: 0,
        estimateBps: this.estimator.estimateBps,
        isPlaying: this.isPlaying,
        gain: null,
        levels: [],
        levelCodecs: [],
        bufferedSeconds: 0,
      };
    const t = d.el.currentTime;
    const span = e.spans.find((s) => t >= s.start && t < s.end) ?? e.spans.at(-1);
    const level = span?.level ?? -1;
    return {
      trackIndex: e.queueIndex,
      trackId: e.track.id,
      // Until a seek's first segment is in, the element sits at 0: report where playback will start.
      timeSeconds: e.isPositioned ? Math.max(0, t - e.startSeconds) : e.startOffset,
      durationSeconds: e.endSeconds - e.startSeconds,
      level,
      bitrateBps: level >= 0 ? (e.levels?.[level]?.bandwidth ?? 0) : 0,
      estimateBps: this.estimator.estimateBps,
      isPlaying: this.isPlaying,
      gain: this.gainFor(e.track),
      levels: e.levels?.map((l) => l.bandwidth) ?? [],
      levelCodecs: e.levels?.map((l) => l.codecs) ?? [],
      bufferedSeconds: Math.max(0, d.bufferedEnd - e.startSeconds),
    };
  }

  pickLevel(levels: Level[], entry: Entry): number {
    void entry;
    if (this.manualLevel !== null) return Math.min(this.manualLevel, levels.length - 1);
    return chooseLevel(
      levels.map((l) => l.bandwidth),
      this.estimator.estimateBps,
      this.abrOpts.safetyFactor,
    );
  }

  fetchInit(url: string): Promise<Uint8Array<ArrayBuffer>> {
    let p = this.initCache.get(url);
    if (!p) {
      p = fetch(url).then(async (r) => {
        if (!r.ok) throw new HttpError(`GET ${url}: ${r.status}`, r.status);
        return new Uint8Array(await r.arrayBuffer());
      });
      p.catch(() => this.initCache.delete(url));
      this.initCache.set(url, p);
    }
    return p;
  }

  destroy(): void {
    this.stopDecks();
    this.output.disconnect();
    this.listeners.clear();
  }

  private stopDecks(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.deck?.destroy();
    this.incoming?.deck.destroy();
    this.deck = null;
    this.incoming = null;
  }

  private isGaplessPair(a: TrackInput, b: TrackInput): boolean {
    if (this.crossfadeSeconds === 0) return true;
    return !this.crossfadeAlbumTracks && a.albumId != null && a.albumId === b.albumId;
  }

  /** Adds the tracks after the deck's last entry while they can follow it without a crossfade. */
  private extend(deck: Deck): void {
    for (;;) {
      const last = deck.lastEntry;
      const nextIndex = (last?.queueIndex ?? -1) + 1;
      const next = this.queue[nextIndex];
      if (!last || !next) {
        deck.isSealed = true;
        void deck.pump();
        return;
      }
      if (!this.isGaplessPair(last.track, next)) {
        deck.isSealed = true;
        void deck.pump();
        return;
      }
      deck.add(nextIndex, next);
    }
  }

  private applyGain(deck: Deck, entry: Entry, atContextTime: number): void {
    const g = dbToGain(this.gainFor(entry.track).gainDb);
    deck.norm.gain.setValueAtTime(g, Math.max(atContextTime, this.audioContext.currentTime));
  }

  private tick(): void {
    const deck = this.deck;
    if (!deck) return;
    const t = deck.el.currentTime;
    const now = this.audioContext.currentTime;
    // Gain steps at seams are scheduled on the context clock shortly before they come.
    for (const e of deck.entries) {
      if (e.startSeconds > t && e.startSeconds - t < 0.5 && !this.scheduledGain.get(e)) {
        this.scheduledGain.set(e, true);
        this.applyGain(deck, e, now + (e.startSeconds - t));
      }
    }
    this.maybeCrossfade(deck, t, now);
    const s = this.state;
    if (s.trackIndex !== this.last.trackIndex) this.emit('trackchange', s);
    if (s.level !== this.last.level && s.level >= 0) this.emit('levelchange', s);
    this.last = { trackIndex: s.trackIndex, level: s.level };
    this.emit('timeupdate', s);
    if (deck.el.ended && !this.incoming) {
      this.isPlaying = false;
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.emit('ended', s);
    }
  }

  private maybeCrossfade(deck: Deck, t: number, now: number): void {
    const last = deck.lastEntry;
    const next = last ? this.queue[last.queueIndex + 1] : undefined;
    if (!last || !next || this.isGaplessPair(last.track, next)) return;
    const fade = Math.min(this.crossfadeSeconds, (last.endSeconds - last.startSeconds) / 2);
    if (!this.incoming && last.endSeconds - t < fade + this.bufferAheadSeconds) {
      // Prefetch: the incoming deck loads while the outgoing one still plays.
      const d = new Deck(this, this.audioContext, this.output);
      d.add(last.queueIndex + 1, next);
      d.fade.gain.value = 0;
      this.applyGain(d, d.entries[0]!, now);
      this.extend(d);
      this.incoming = { deck: d, startsAt: null };
    }
    const inc = this.incoming;
    if (inc && inc.startsAt === null && last.endSeconds - t <= fade) {
      const dur = Math.max(last.endSeconds - t, 0.05);
      inc.startsAt = now;
      const n = 64;
      const up = new Float32Array(n);
      const down = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        // Equal-power curves keep the summed loudness level through the fade.
        up[i] = Math.sin(((i / (n - 1)) * Math.PI) / 2);
        down[i] = Math.cos(((i / (n - 1)) * Math.PI) / 2);
      }
      inc.deck.fade.gain.setValueCurveAtTime(up, now, dur);
      deck.fade.gain.cancelScheduledValues(now);
      deck.fade.gain.setValueCurveAtTime(down, now, dur);
      void inc.deck.el.play();
      this.emit('crossfade', { toTrackIndex: last.queueIndex + 1, seconds: dur });
    }
    if (inc?.startsAt != null && (deck.el.ended || t >= last.endSeconds)) {
      deck.destroy();
      this.deck = inc.deck;
      this.incoming = null;
    }
  }
}

function clampCrossfade(s: number): number {
  if (!Number.isFinite(s)) return 0;
  return Math.min(Math.max(s, 0), 12);
}
