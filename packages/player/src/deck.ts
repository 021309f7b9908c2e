// Why one file: one class whose feed loop, level switches and seeks share the SourceBuffer's state.
// One deck: an audio element on one MSE SourceBuffer, fed a queue of tracks back to back (each placed
// by timestampOffset and cut to the sample by its append window), with its own gain nodes.
import type { Entry, Level, PlaybackActivity, TrackInput } from './engine-types';
import { initTimescale, restoreFrameDurations } from './fmp4';
import { AAC_FRAME_SAMPLES, mseCut } from './gapless-math';
import { isLosslessCodec, mseTypeOf, resolveLevels, segmentAt } from './level';
import { fetchWithRetry, sleep } from './network';
// Type only: the player owns its decks (no runtime cycle).
import type { GaplessPlayer } from './player';

export class Deck {
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
