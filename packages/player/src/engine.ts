// The gapless engine: plays a queue of HLS fMP4 audio tracks on ONE MSE SourceBuffer per "deck", each
// track placed with timestampOffset and cut to the sample by the append window (priming and padding
// removed), so consecutive tracks decode as one continuous stream. A second deck exists only while a
// crossfade runs. Output goes through the engine's AudioContext: normalisation gain → fade → output.
import { chooseLevel, DEFAULT_ABR, ThroughputEstimator, type AbrOptions } from './abr';
import { restoreFrameDurations, initTimescale } from './fmp4';
import { AAC_FRAME_SAMPLES, mseCut } from './gapless-math';
import { parseMaster, parseMedia } from './hls';
import {
  DEFAULT_NORMALISATION,
  dbToGain,
  normalisationGain,
  type GainDecision,
  type LoudnessInfo,
  type NormalisationSettings,
} from './loudness';

export type RenditionInput = {
  name?: string;
  /** Peak bits per second (HLS BANDWIDTH); filled from the master playlist when absent. */
  bandwidth?: number;
  /** HLS CODECS: defaults to AAC-LC (`mp4a.40.2`); `fLaC` is the lossless (FLAC in fMP4) rung. */
  codecs?: string;
  /** Media playlist URL; or give `initUrl` + `segments` already parsed. */
  playlistUrl?: string;
  initUrl?: string;
  segments?: { url: string; durationSeconds: number }[];
  primingSamples: number;
  paddingSamples: number;
};

export type TrackInput = {
  id: string;
  title?: string;
  albumId?: string | null;
  /** Master playlist; variants fill in renditions' URLs and bandwidths, matched in order. */
  masterUrl?: string;
  renditions: RenditionInput[];
  sampleRate: number;
  /** Exact decoded source length: where the track ends, to the sample. */
  sourceSamples: number;
  loudnessLufs: number | null;
  truePeakDb: number | null;
  album?: LoudnessInfo | null;
  /** Query string (no "?") added to every request of this track: a CDN signature, for instance. */
  requestQuery?: string;
};

export type PlayerOptions = {
  audioContext?: AudioContext;
  /** Media seconds kept downloaded ahead of the playhead. */
  bufferAheadSeconds?: number;
  /** 0 = gapless; up to 12 s of crossfade between tracks that are not consecutive tracks of one album. */
  crossfadeSeconds?: number;
  /** Crossfade consecutive tracks of the same album too (off: albums always play gapless). */
  crossfadeAlbumTracks?: boolean;
  normalisation?: Partial<NormalisationSettings>;
  abr?: Partial<AbrOptions>;
};

export type PlayerState = {
  trackIndex: number;
  trackId: string | null;
  /** Seconds into the current track. */
  timeSeconds: number;
  durationSeconds: number;
  /** Index into the current track's renditions sorted by bandwidth, -1 before the first segment. */
  level: number;
  bitrateBps: number;
  estimateBps: number;
  isPlaying: boolean;
  gain: GainDecision | null;
  /** Bandwidths of the current track's levels, lowest first (what `level` indexes). */
  levels: number[];
  /** HLS CODECS of the same levels (`fLaC` marks the lossless one). */
  levelCodecs: string[];
  /** Seconds of the current track buffered from its start (may run past its end into the next). */
  bufferedSeconds: number;
};

/** What the playing element is doing (for a UI's play/pause/spinner). */
export type PlaybackActivity = 'playing' | 'waiting' | 'paused';

/** A failed request, with its HTTP status when the server answered (403: a refused signature). */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export type SegmentEvent = {
  trackIndex: number;
  segment: number;
  level: number;
  bytes: number;
  seconds: number;
  aborted: boolean;
};

type PlayerEvents = {
  trackchange: PlayerState;
  timeupdate: PlayerState;
  levelchange: PlayerState;
  segment: SegmentEvent;
  ended: PlayerState;
  error: Error;
  /** A crossfade into `toTrackIndex` began, lasting `seconds`. */
  crossfade: { toTrackIndex: number; seconds: number };
  activity: PlaybackActivity;
};

type Level = {
  bandwidth: number;
  codecs: string;
  initUrl: string;
  segments: { url: string; durationSeconds: number }[];
  primingSamples: number;
  paddingSamples: number;
};

type Entry = {
  queueIndex: number;
  track: TrackInput;
  startSeconds: number;
  endSeconds: number;
  levels: Level[] | null;
  resolving: Promise<Level[]>;
  nextSegment: number;
  lastLevel: number;
  /** Seconds into the track where playback starts (a seek); 0 = from its first sample. */
  startOffset: number;
  /** Whether the first segment was chosen from `startOffset` and the playhead placed. */
  isPositioned: boolean;
  /** Deck-time ranges and the level their audio came from. */
  spans: { start: number; end: number; level: number }[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fetchText(url: string): Promise<string> {
  return (await fetchWithRetry(url, new AbortController().signal)).text();
}

/** GET with up to 3 attempts on network errors and 5xx (a CDN hiccup must not end the album). */
async function fetchWithRetry(
  url: string,
  signal: AbortSignal,
): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { signal });
      if (res.ok && res.body) return res as Response & { body: ReadableStream<Uint8Array> };
      if (res.status < 500 || attempt >= 3) throw new HttpError(`GET ${url}: ${res.status}`, res.status);
    } catch (err) {
      if (signal.aborted || attempt >= 3 || err instanceof HttpError) throw err;
    }
    await sleep(400 * attempt);
  }
}

/** True for the FLAC (lossless) rendition's CODECS (`fLaC`, as HLS spells the sample entry). */
export function isLosslessCodec(codecs: string | undefined): boolean {
  return !!codecs && /^flac$/i.test(codecs.trim());
}

/**
 * The MSE type of a rendition. HLS spells FLAC's CODECS `fLaC` (the sample entry); MSE asks for
 * `flac` (Chromium accepts only that spelling; Firefox and Safari accept both).
 */
export function mseTypeOf(codecs: string): string {
  return `audio/mp4; codecs="${isLosslessCodec(codecs) ? 'flac' : codecs}"`;
}

/** Whether this browser's MSE can play a rendition (no MSE at all: assume AAC only). */
export function canPlayCodecs(codecs: string): boolean {
  const ms = (globalThis as { MediaSource?: { isTypeSupported(t: string): boolean } }).MediaSource;
  return ms ? ms.isTypeSupported(mseTypeOf(codecs)) : !isLosslessCodec(codecs);
}

/** `url` with `query` appended (once); the URL resolution of playlists drops a base URL's query. */
export function withQuery(url: string, query: string | undefined): string {
  if (!query || url.includes(query)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

async function resolveLevels(track: TrackInput): Promise<Level[]> {
  const q = (u: string) => withQuery(u, track.requestQuery);
  const variants = track.masterUrl ? parseMaster(await fetchText(q(track.masterUrl)), track.masterUrl) : [];
  const levels = await Promise.all(
    track.renditions.map(async (r, i): Promise<Level> => {
      const v = variants[i];
      const bandwidth = r.bandwidth ?? v?.bandwidth;
      if (!bandwidth) throw new Error(`track ${track.id}: rendition ${i} has no bandwidth`);
      let initUrl = r.initUrl;
      let segments = r.segments;
      if (!initUrl || !segments) {
        const url = r.playlistUrl ?? v?.uri;
        if (!url) throw new Error(`track ${track.id}: rendition ${i} has no playlist`);
        const media = parseMedia(await fetchText(q(url)), url);
        initUrl = media.initUri;
        segments = media.segments.map((s) => ({ url: s.uri, durationSeconds: s.durationSeconds }));
      }
      return {
        bandwidth,
        codecs: r.codecs ?? v?.codecs ?? 'mp4a.40.2',
        initUrl: q(initUrl),
        segments: segments.map((s) => ({ ...s, url: q(s.url) })),
        primingSamples: r.primingSamples,
        paddingSamples: r.paddingSamples,
      };
    }),
  ).then((all) => {
    // A rendition this browser cannot decode (FLAC where MSE lacks it) is never offered.
    const playable = all.filter((l) => canPlayCodecs(l.codecs));
    return playable.length > 0 ? playable : all;
  });
  const count = levels[0]?.segments.length;
  if (!count || levels.some((l) => l.segments.length !== count))
    throw new Error(`track ${track.id}: renditions must have the same, non-zero segment count`);
  return levels.sort((a, b) => a.bandwidth - b.bandwidth);
}

/** Index of the segment holding `offset` seconds of the track (rendition time includes the priming). */
function segmentAt(entry: Entry, level: Level): number {
  const t = entry.startOffset + level.primingSamples / entry.track.sampleRate;
  let acc = 0;
  for (let i = 0; i < level.segments.length; i++) {
    acc += level.segments[i]!.durationSeconds;
    if (t < acc) return i;
  }
  return level.segments.length - 1;
}

class Deck {
  readonly el: HTMLAudioElement;
  readonly ms = new MediaSource();
  readonly norm: GainNode;
  readonly fade: GainNode;
  private readonly node: MediaElementAudioSourceNode;
  private sb: SourceBuffer | null = null;
  /** The MSE type the SourceBuffer decodes now (changeType switches it between AAC and FLAC). */
  private sbType = '';
  private readonly opened: Promise<void>;
  readonly entries: Entry[] = [];
  /** No more entries will be added: end the stream after the last one. */
  isSealed = false;
  /** Deck time from which buffered audio must go (entries dropped by truncateAfter); done by the pump. */
  private truncateFrom: number | null = null;
  private pumping = false;
  private isDestroyed = false;
  private abort: AbortController | null = null;
  private readonly objectUrl: string;

  constructor(
    private readonly player: GaplessPlayer,
    ctx: AudioContext,
    output: AudioNode,
  ) {
    this.el = new Audio();
    this.el.preload = 'auto';
    this.objectUrl = URL.createObjectURL(this.ms);
    this.opened = new Promise((resolve) =>
      this.ms.addEventListener('sourceopen', () => resolve(), { once: true }),
    );
    this.el.src = this.objectUrl;
    player.decksCreated++;
    const activity = (a: PlaybackActivity) => () => player.deckActivity(this, a);
    this.el.addEventListener('playing', activity('playing'));
    this.el.addEventListener('waiting', activity('waiting'));
    this.el.addEventListener('pause', () => !this.el.ended && player.deckActivity(this, 'paused'));
    this.node = ctx.createMediaElementSource(this.el);
    this.norm = ctx.createGain();
    this.fade = ctx.createGain();
    this.node.connect(this.norm).connect(this.fade).connect(output);
  }

  get lastEntry(): Entry | undefined {
    return this.entries.at(-1);
  }

  add(queueIndex: number, track: TrackInput, startOffset = 0): Entry {
    const start = this.lastEntry?.endSeconds ?? 0;
    const entry: Entry = {
      queueIndex,
      track,
      startSeconds: start,
      endSeconds: start + track.sourceSamples / track.sampleRate,
      levels: null,
      resolving: resolveLevels(track),
      nextSegment: 0,
      lastLevel: -1,
      startOffset: Math.min(Math.max(startOffset, 0), track.sourceSamples / track.sampleRate),
      isPositioned: startOffset <= 0,
      spans: [],
    };
    // Playlists of the next track are fetched now, while the current one plays.
    entry.resolving.then(
      (l) => {
        entry.levels = l;
        // Init segments are a few hundred bytes each: fetch all now so a level switch never waits.
        for (const level of l) void this.player.fetchInit(level.initUrl).catch(() => {});
      },
      () => {},
    );
    this.entries.push(entry);
    void this.pump();
    return entry;
  }

  /** Drops the entries after queue index `keep` and, through the pump, their buffered audio. */
  truncateAfter(keep: number): void {
    const i = this.entries.findIndex((e) => e.queueIndex > keep);
    if (i < 0) return;
    this.truncateFrom = this.entries[i]!.startSeconds;
    this.entries.splice(i);
    this.isSealed = false;
    void this.pump();
  }

  entryAt(t: number): Entry | undefined {
    return this.entries.find((e) => t < e.endSeconds) ?? this.entries.at(-1);
  }

  private async ready(): Promise<SourceBuffer> {
    await this.opened;
    if (!this.sb) {
      const first = this.entries[0]?.levels?.[0] ?? (await this.entries[0]?.resolving)?.[0];
      this.sbType = mseTypeOf(first?.codecs ?? 'mp4a.40.2');
      this.sb = this.ms.addSourceBuffer(this.sbType);
      this.sb.mode = 'segments';
    }
    return this.sb;
  }

  private async append(sb: SourceBuffer, data: BufferSource): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        sb.removeEventListener('updateend', done);
        sb.removeEventListener('error', fail);
        resolve();
      };
      const fail = () => {
        sb.removeEventListener('updateend', done);
        sb.removeEventListener('error', fail);
        reject(new Error('SourceBuffer append failed'));
      };
      sb.addEventListener('updateend', done);
      sb.addEventListener('error', fail);
      sb.appendBuffer(data);
    });
  }

  private async remove(sb: SourceBuffer, start: number, end: number): Promise<void> {
    await new Promise<void>((resolve) => {
      sb.addEventListener('updateend', () => resolve(), { once: true });
      sb.remove(start, end);
    });
  }

  /** Whether deck time `t` (and a little after it) is already in the SourceBuffer. */
  isBuffered(t: number): boolean {
    const b = this.sb?.buffered;
    if (!b) return false;
    for (let i = 0; i < b.length; i++) if (t >= b.start(i) && t + 0.1 <= b.end(i)) return true;
    return false;
  }

  get bufferedEnd(): number {
    const b = this.sb?.buffered;
    return b && b.length > 0 ? b.end(b.length - 1) : 0;
  }

  /** Downloads and appends segments while the buffer ahead is short; one loop per deck. */
  async pump(): Promise<void> {
    if (this.pumping || this.isDestroyed) return;
    this.pumping = true;
    try {
      const sb = await this.ready();
      while (!this.isDestroyed) {
        if (this.truncateFrom !== null) {
          // Only the pump touches the SourceBuffer, so this never overlaps an append.
          const from = this.truncateFrom;
          this.truncateFrom = null;
          if (this.bufferedEnd > from) await this.remove(sb, from, Number.POSITIVE_INFINITY);
          continue;
        }
        const entry = this.entries.find((e) => !e.levels || e.nextSegment < e.levels[0]!.segments.length);
        if (!entry) {
          if (this.isSealed && this.ms.readyState === 'open') this.ms.endOfStream();
          break;
        }
        const ahead = this.bufferedEnd - this.el.currentTime;
        if (ahead > this.player.bufferAheadSeconds && this.bufferedEnd > 0) {
          await sleep(200);
          continue;
        }
        const levels = entry.levels ?? (await entry.resolving);
        if (!entry.isPositioned && entry.nextSegment === 0) entry.nextSegment = segmentAt(entry, levels[0]!);
        const seg = await this.fetchSegment(entry, levels, ahead);
        if (!seg) continue;
        const level = levels[seg.level]!;
        if (
          this.el.currentTime > 60 &&
          sb.buffered.length > 0 &&
          sb.buffered.start(0) < this.el.currentTime - 40
        )
          await this.remove(sb, 0, this.el.currentTime - 30);
        const cut = mseCut(entry.startSeconds, entry.track.sourceSamples, entry.track.sampleRate, level);
        // After a seek, frames before the target are dropped too (the one before it is kept as pre-roll).
        cut.appendWindowStart += entry.isPositioned ? 0 : entry.startOffset;
        // Order matters: appendWindowStart must stay below appendWindowEnd at every step.
        if (cut.appendWindowStart >= sb.appendWindowEnd) {
          sb.appendWindowEnd = cut.appendWindowEnd;
          sb.appendWindowStart = cut.appendWindowStart;
        } else {
          sb.appendWindowStart = cut.appendWindowStart;
          sb.appendWindowEnd = cut.appendWindowEnd;
        }
        sb.timestampOffset = cut.timestampOffset;
        const init = await this.player.fetchInit(level.initUrl);
        // AAC only: the muxer shortens the last AAC frame's duration though the decoder still emits
        // 1024 samples. A FLAC block's duration is its real length (the last block is short): as is.
        if (!isLosslessCodec(level.codecs))
          restoreFrameDurations(
            seg.bytes,
            (AAC_FRAME_SAMPLES * initTimescale(init)) / entry.track.sampleRate,
          );
        let needsInit = seg.level !== entry.lastLevel || entry.nextSegment === 0;
        const type = mseTypeOf(level.codecs);
        if (type !== this.sbType) {
          // AAC ↔ FLAC on the same SourceBuffer (a level switch, or a seam between tracks that play
          // at different rungs): the timeline, the append window and the cuts stay; the decoder changes.
          sb.changeType(type);
          this.sbType = type;
          needsInit = true;
        }
        if (needsInit) await this.append(sb, init);
        await this.append(sb, seg.bytes);
        if (!entry.isPositioned) {
          entry.isPositioned = true;
          this.el.currentTime = entry.startSeconds + entry.startOffset;
        }
        const segStart =
          cut.timestampOffset +
          level.segments.slice(0, entry.nextSegment).reduce((a, s) => a + s.durationSeconds, 0);
        const segEnd = segStart + (level.segments[entry.nextSegment]?.durationSeconds ?? 0);
        entry.spans.push({
          start: Math.max(segStart, entry.startSeconds),
          end: Math.min(segEnd, entry.endSeconds),
          level: seg.level,
        });
        entry.lastLevel = seg.level;
        entry.nextSegment++;
      }
    } catch (err) {
      if (!this.isDestroyed) this.player.fail(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Fetches the entry's next segment at the level throughput allows. If a download would outlast the
   * buffer, it is aborted and refetched lower (the throughput estimate is replaced by what it measured).
   */
  private async fetchSegment(
    entry: Entry,
    levels: Level[],
    aheadSeconds: number,
  ): Promise<{ bytes: Uint8Array<ArrayBuffer>; level: number } | null> {
    const p = this.player;
    let level = p.pickLevel(levels, entry);
    for (;;) {
      const url = levels[level]!.segments[entry.nextSegment]!.url;
      this.abort = new AbortController();
      const t0 = performance.now();
      const res = await fetchWithRetry(url, this.abort.signal);
      const total = Number(res.headers.get('content-length') ?? 0);
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      let aborted = false;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        const elapsed = (performance.now() - t0) / 1000;
        // Buffer left when this download would finish, at the rate seen so far.
        const budget = Math.max(aheadSeconds - (this.el.paused ? 0 : elapsed), 0) + (this.el.paused ? 4 : 0);
        if (
          p.manualLevelIndex === null &&
          level > 0 &&
          total > 0 &&
          elapsed > 0.5 &&
          (elapsed * total) / received > budget + 1
        ) {
          aborted = true;
          this.abort.abort();
          p.estimator.force((received * 8) / elapsed);
          p.emit('segment', {
            trackIndex: entry.queueIndex,
            segment: entry.nextSegment,
            level,
            bytes: received,
            seconds: elapsed,
            aborted: true,
          });
          break;
        }
      }
      if (aborted) {
        const lower = Math.min(level - 1, p.pickLevel(levels, entry));
        level = Math.max(lower, 0);
        aheadSeconds = this.bufferedEnd - this.el.currentTime;
        continue;
      }
      const seconds = (performance.now() - t0) / 1000;
      p.estimator.sample(received, seconds, levels[level]!.segments[entry.nextSegment]!.durationSeconds);
      p.emit('segment', {
        trackIndex: entry.queueIndex,
        segment: entry.nextSegment,
        level,
        bytes: received,
        seconds,
        aborted: false,
      });
      const bytes = new Uint8Array(received);
      let o = 0;
      for (const c of chunks) {
        bytes.set(c, o);
        o += c.byteLength;
      }
      return { bytes, level };
    }
  }

  destroy(): void {
    this.isDestroyed = true;
    this.abort?.abort();
    this.el.pause();
    this.node.disconnect();
    this.fade.disconnect();
    this.el.removeAttribute('src');
    this.el.load();
    URL.revokeObjectURL(this.objectUrl);
  }
}

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
