// Test page for the gapless engine: builds a GaplessPlayer on an AudioContext at 44.1 kHz, taps its
// output with an AudioWorklet recorder, and returns the capture to Playwright. Also a naive baseline
// (a fresh MediaSource per track, started on `ended`, no priming/padding cut) for comparison.
import { GaplessPlayer, type PlayerOptions, type TrackInput } from '../../packages/player/src/index';

type Chunk = { frame: number; l: Float32Array; r: Float32Array };
type LogEvent = { type: string; at: number; frame: number; detail: unknown };

const log: LogEvent[] = [];
const chunks: Chunk[] = [];
let ctx: AudioContext | null = null;
let player: GaplessPlayer | null = null;

async function recorderFor(c: AudioContext): Promise<AudioWorkletNode> {
  await c.audioWorklet.addModule('/recorder-worklet.js');
  const rec = new AudioWorkletNode(c, 'recorder', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [2],
    channelCount: 2,
    channelCountMode: 'explicit',
    channelInterpretation: 'discrete',
  });
  rec.port.onmessage = (e: MessageEvent<Chunk>) => chunks.push(e.data);
  rec.connect(c.destination);
  return rec;
}

function note(type: string, detail: unknown): void {
  const c = ctx;
  log.push({ type, at: performance.now(), frame: c ? Math.round(c.currentTime * c.sampleRate) : 0, detail });
}

function b64(f: Float32Array): string {
  const u8 = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}

function capture(): { l: string; r: string; firstFrame: number; sampleRate: number; contextState: string } {
  const n = chunks.reduce((a, c) => a + c.l.length, 0);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  let o = 0;
  for (const c of chunks) {
    l.set(c.l, o);
    r.set(c.r, o);
    o += c.l.length;
  }
  return {
    l: b64(l),
    r: b64(r),
    firstFrame: chunks[0]?.frame ?? 0,
    sampleRate: ctx?.sampleRate ?? 0,
    contextState: ctx?.state ?? 'none',
  };
}

async function runEngine(
  tracks: TrackInput[],
  opts: PlayerOptions,
  start: { index: number; offsetSeconds: number } = { index: 0, offsetSeconds: 0 },
  /** A level pinned from the first segment on (index into levels by bandwidth); default adaptive. */
  manualLevel: number | null = null,
): Promise<void> {
  ctx = new AudioContext({ sampleRate: 44100, latencyHint: 'playback' });
  const rec = await recorderFor(ctx);
  note('start', null);
  player = new GaplessPlayer({ ...opts, audioContext: ctx });
  player.setManualLevel(manualLevel);
  player.output.disconnect();
  player.output.connect(rec);
  for (const ev of ['trackchange', 'levelchange', 'segment', 'ended', 'error', 'crossfade'] as const)
    player.on(ev, (v) => note(ev, v instanceof Error ? v.message : v));
  player.setQueue(tracks, start.index, start.offsetSeconds);
  await player.play();
  note('play', null);
}

/** Baseline: what a per-track player does (hls.js-style reload on `ended`): no cut, a new pipeline per track. */
async function runNaive(tracks: { initUrl: string; segmentUrls: string[] }[]): Promise<void> {
  ctx = new AudioContext({ sampleRate: 44100, latencyHint: 'playback' });
  const rec = await recorderFor(ctx);
  note('start', null);
  const c = ctx;
  const playOne = async (i: number): Promise<void> => {
    const t = tracks[i];
    if (!t) {
      note('ended', null);
      return;
    }
    const el = new Audio();
    const ms = new MediaSource();
    el.src = URL.createObjectURL(ms);
    c.createMediaElementSource(el).connect(rec);
    await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
    const sb = ms.addSourceBuffer('audio/mp4; codecs="mp4a.40.2"');
    for (const u of [t.initUrl, ...t.segmentUrls]) {
      const buf = await (await fetch(u)).arrayBuffer();
      await new Promise<void>((r) => {
        sb.addEventListener('updateend', () => r(), { once: true });
        sb.appendBuffer(buf);
      });
    }
    ms.endOfStream();
    el.addEventListener('ended', () => void playOne(i + 1), { once: true });
    await el.play();
    note('trackchange', { trackIndex: i });
  };
  await playOne(0);
}

type WebAudioTrack = {
  initUrl: string;
  segmentUrls: string[];
  primingSamples: number;
  sourceSamples: number;
};

/**
 * Alternative measured for docs/GAPLESS.md: Web Audio. Each track's whole rendition is downloaded and
 * decoded with decodeAudioData, then AudioBufferSourceNodes are started back to back on the context
 * clock (sample-exact). The next track is fetched and decoded while the current one plays.
 */
async function runWebAudio(tracks: WebAudioTrack[]): Promise<void> {
  ctx = new AudioContext({ sampleRate: 44100, latencyHint: 'playback' });
  const c = ctx;
  const rec = await recorderFor(c);
  note('start', null);
  const decode = async (t: WebAudioTrack): Promise<AudioBuffer> => {
    const parts = await Promise.all(
      [t.initUrl, ...t.segmentUrls].map(async (u) => (await fetch(u)).arrayBuffer()),
    );
    const all = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
    let o = 0;
    for (const p of parts) {
      all.set(new Uint8Array(p), o);
      o += p.byteLength;
    }
    return c.decodeAudioData(all.buffer);
  };
  let when = 0;
  let decodedBytes = 0;
  let pending = decode(tracks[0]!);
  for (let i = 0; i < tracks.length; i++) {
    const t = tracks[i]!;
    const buf = await pending;
    decodedBytes += buf.length * buf.numberOfChannels * 4;
    if (i + 1 < tracks.length) pending = decode(tracks[i + 1]!);
    const src = c.createBufferSource();
    src.buffer = buf;
    src.connect(rec);
    if (i === 0) when = c.currentTime + 0.05;
    src.start(when, t.primingSamples / c.sampleRate, t.sourceSamples / c.sampleRate);
    note('scheduled', { trackIndex: i, decodedLength: buf.length, decodedBytes });
    if (i === tracks.length - 1) src.onended = () => note('ended', { decodedBytes });
    when += t.sourceSamples / c.sampleRate;
  }
}

type HlsLevel = { bitrate: number; audioCodec?: string; attrs?: Record<string, string> };
type HlsLike = {
  levels: HlsLevel[];
  currentLevel: number;
  loadSource(url: string): void;
  attachMedia(el: HTMLMediaElement): void;
  on(
    event: string,
    fn: (e: string, data: { level?: number; details?: string; fatal?: boolean }) => void,
  ): void;
};

/**
 * The web player's fallback engine: hls.js (served as /hls.js, window.Hls) on one <audio> element,
 * pinned to level `level` (hls.js orders levels by bandwidth, as the menus show them), tapped like
 * the others. No gapless cut: hls.js plays the rendition's media timeline from 0.
 */
async function runHls(masterUrl: string, level: number): Promise<void> {
  const HlsCtor = (
    window as unknown as { Hls: { new (cfg: object): HlsLike; Events: Record<string, string> } }
  ).Hls;
  ctx = new AudioContext({ sampleRate: 44100, latencyHint: 'playback' });
  const rec = await recorderFor(ctx);
  note('start', null);
  const el = new Audio();
  ctx.createMediaElementSource(el).connect(rec);
  const hls = new HlsCtor({ startLevel: level, capLevelToPlayerSize: false });
  hls.on(HlsCtor.Events.MANIFEST_PARSED!, () => {
    note(
      'levels',
      hls.levels.map((l) => ({ bitrate: l.bitrate, codecs: l.attrs?.CODECS ?? l.audioCodec })),
    );
    hls.currentLevel = level;
  });
  hls.on(HlsCtor.Events.FRAG_LOADED!, (_e, d) =>
    note('segment', { level: (d as { frag?: { level: number } }).frag?.level }),
  );
  hls.on(HlsCtor.Events.ERROR!, (_e, d) => d.fatal && note('error', d.details));
  el.addEventListener('ended', () => note('ended', null), { once: true });
  hls.loadSource(masterUrl);
  hls.attachMedia(el);
  await el.play();
  note('play', null);
}

declare global {
  interface Window {
    gapless: {
      runEngine: typeof runEngine;
      runHls: typeof runHls;
      setLevel: (level: number | null) => void;
      runNaive: typeof runNaive;
      runWebAudio: typeof runWebAudio;
      capture: typeof capture;
      log: LogEvent[];
      state: () => unknown;
      setNormalisation: (s: Parameters<GaplessPlayer['setNormalisation']>[0]) => void;
      seek: (seconds: number, trackIndex?: number) => Promise<void> | undefined;
      decks: () => number;
      replaceUpcoming: (tracks: TrackInput[]) => boolean;
    };
  }
}

window.gapless = {
  runEngine,
  runHls,
  setLevel: (level) => player?.setManualLevel(level),
  runNaive,
  runWebAudio,
  capture,
  log,
  state: () => player?.state ?? null,
  setNormalisation: (s) => player?.setNormalisation(s),
  seek: (seconds, trackIndex) => player?.seek(seconds, trackIndex),
  decks: () => player?.decksCreated ?? 0,
  replaceUpcoming: (tracks) => player?.replaceUpcoming(tracks) ?? false,
};
