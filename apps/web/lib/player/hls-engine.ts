// Why one file: the engine and its deck, level and error helpers are one hls.js adapter (~300 lines).
// The fallback engine: hls.js (or native HLS where MSE is missing, e.g. older iOS) on two <audio>
// "decks", the spare one preloading the next track so a track change starts without a round trip.
// Used where the gapless engine cannot run (browser-engine.ts decides).
import { canPlayCodecs, isLosslessCodec } from '@tonearm/player';
import Hls, { type ErrorData, type HlsConfig } from 'hls.js';
import {
  type EngineError,
  type EngineListener,
  type PlaybackEngine,
  type PlaybackSource,
  playFailure,
  type QualityLevel,
  qualityLevel,
} from './engine';

/** hls.js tuned for audio (RECIPES §9): start near 128 kbit/s and keep ABR re-evaluating. */
export const AUDIO_HLS_CONFIG: Partial<HlsConfig> = {
  abrEwmaDefaultEstimate: 128_000,
  maxBufferLength: 30,
  maxMaxBufferLength: 30,
  maxBufferSize: 4e6,
  enableWorker: true,
};

/** Seconds of the next track fetched ahead of time (one 6 s segment). */
const PRELOAD_BUFFER_SEC = 6;

type Deck = {
  audio: HTMLAudioElement;
  hls: Hls | null;
  songId: string | null;
  networkRetries: number;
  mediaRecoveries: number;
};

function newDeck(): Deck {
  const audio = new Audio();
  audio.preload = 'auto';
  return { audio, hls: null, songId: null, networkRetries: 0, mediaRecoveries: 0 };
}

const codecsOf = (l: Hls['levels'][number]) => l.attrs?.CODECS ?? l.audioCodec;

function levelsOf(hls: Hls): QualityLevel[] {
  return hls.levels.map((l, index) => qualityLevel(index, l.bitrate, codecsOf(l)));
}

function describeHlsError(data: ErrorData): EngineError {
  const status = data.response?.code ?? null;
  if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
    const message =
      status === 403
        ? 'The stream was refused (403): the link may have expired.'
        : status === 404
          ? 'This song’s audio could not be found on the media server (404).'
          : `Network error while loading the song (${data.details}${status ? `, HTTP ${status}` : ''}).`;
    return { kind: 'network', message, httpStatus: status };
  }
  if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
    return {
      kind: 'media',
      message: `The browser could not decode this song (${data.details}).`,
      httpStatus: null,
    };
  }
  return { kind: 'media', message: `Playback failed (${data.details}).`, httpStatus: status };
}

export class HlsEngine implements PlaybackEngine {
  private active: Deck = newDeck();
  private spare: Deck = newDeck();
  private volume = 1;
  private muted = false;
  /** The bitrate a person picked by hand, kept across tracks; null is automatic. */
  private manualKbps: number | null = null;
  private readonly useHlsJs = Hls.isSupported();

  constructor(private readonly listener: EngineListener) {
    this.wire(this.active);
    this.wire(this.spare);
  }

  private wire(deck: Deck): void {
    const a = deck.audio;
    const isActive = () => deck === this.active;
    a.addEventListener('playing', () => isActive() && this.listener.onState('playing'));
    a.addEventListener('pause', () => isActive() && !a.ended && this.listener.onState('paused'));
    a.addEventListener('waiting', () => isActive() && this.listener.onState('loading'));
    a.addEventListener('ended', () => {
      if (!isActive()) return;
      this.listener.onState('ended');
      this.listener.onEnded();
    });
    const time = () => {
      if (!isActive()) return;
      const b = a.buffered;
      this.listener.onTime({
        currentTime: a.currentTime,
        duration: Number.isFinite(a.duration) ? a.duration : 0,
        bufferedEnd: b.length ? b.end(b.length - 1) : 0,
      });
    };
    a.addEventListener('timeupdate', time);
    a.addEventListener('durationchange', time);
    a.addEventListener('progress', time);
    a.addEventListener('error', () => {
      // With hls.js attached, its own ERROR event says more; this covers native HLS.
      if (!isActive() || deck.hls) return;
      const code = a.error?.code;
      this.listener.onError({
        kind: code === MediaError.MEDIA_ERR_NETWORK ? 'network' : 'media',
        message: a.error?.message || 'The browser could not play this song.',
        httpStatus: null,
      });
    });
  }

  private attach(deck: Deck, source: PlaybackSource, asPreloadOf: Deck | null): void {
    this.detach(deck);
    deck.songId = source.songId;
    deck.networkRetries = 0;
    deck.mediaRecoveries = 0;
    deck.audio.volume = this.volume;
    deck.audio.muted = this.muted;
    if (!this.useHlsJs) {
      // Safari and iOS play HLS natively (hls.js needs MSE, which iPhones lacked before iOS 17.1).
      if (deck.audio.canPlayType('application/vnd.apple.mpegurl')) {
        // Native HLS cannot sign each request: it relies on the signed cookies set by playback.start.
        deck.audio.src = source.masterUrl;
        deck.audio.load();
      } else if (deck === this.active) {
        this.listener.onError({
          kind: 'unsupported',
          message: 'This browser cannot play HLS audio (no Media Source Extensions).',
          httpStatus: null,
        });
      }
      return;
    }
    const prev = asPreloadOf?.hls;
    const hls = new Hls({
      ...AUDIO_HLS_CONFIG,
      // A preload fetches the playlists and the first segment only; the swap lifts the limit, so ABR
      // keeps choosing levels from what the network does when the track actually plays.
      ...(asPreloadOf ? { maxBufferLength: PRELOAD_BUFFER_SEC, maxMaxBufferLength: PRELOAD_BUFFER_SEC } : {}),
      // A preloaded track starts where the current one's ABR has settled, not from scratch.
      ...(prev ? { abrEwmaDefaultEstimate: Math.max(64_000, prev.bandwidthEstimate || 128_000) } : {}),
      xhrSetup: (xhr, url) => {
        if (source.signedQuery && !url.includes('Signature=')) {
          xhr.open('GET', `${url}${url.includes('?') ? '&' : '?'}${source.signedQuery}`, true);
        }
        if (source.withCredentials) xhr.withCredentials = true;
      },
    });
    deck.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      // The lossless rung only where MSE decodes FLAC in MP4 (hls.js drops codecs it cannot play too).
      for (let i = hls.levels.length - 1; i >= 0; i--)
        if (isLosslessCodec(codecsOf(hls.levels[i]!)) && !canPlayCodecs('fLaC')) hls.removeLevel(i);
      if (this.manualKbps !== null) {
        const idx = this.nearestLevel(hls, this.manualKbps);
        hls.currentLevel = idx;
      } else if (prev && prev.currentLevel >= 0) {
        hls.startLevel = Math.min(prev.currentLevel, hls.levels.length - 1);
      }
      if (deck === this.active) this.emitLevels();
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, () => {
      if (deck === this.active) this.emitLevels();
    });
    hls.on(Hls.Events.FRAG_LOADED, () => {
      deck.networkRetries = 0;
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (
        data.type === Hls.ErrorTypes.NETWORK_ERROR &&
        deck.networkRetries < 2 &&
        data.response?.code !== 403
      ) {
        deck.networkRetries++;
        hls.startLoad();
        return;
      }
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && deck.mediaRecoveries < 1) {
        deck.mediaRecoveries++;
        hls.recoverMediaError();
        return;
      }
      if (deck === this.active) this.listener.onError(describeHlsError(data));
      else this.detach(deck); // a failed preload is retried as a normal load later
    });
    hls.attachMedia(deck.audio);
    hls.loadSource(source.masterUrl);
  }

  private detach(deck: Deck): void {
    deck.hls?.destroy();
    deck.hls = null;
    deck.songId = null;
    deck.audio.pause();
    deck.audio.removeAttribute('src');
    deck.audio.load();
  }

  private nearestLevel(hls: Hls, kbps: number): number {
    let best = 0;
    let bestDiff = Number.POSITIVE_INFINITY;
    hls.levels.forEach((l, i) => {
      const diff = Math.abs(l.bitrate / 1000 - kbps);
      if (diff < bestDiff) {
        best = i;
        bestDiff = diff;
      }
    });
    return best;
  }

  private emitLevels(): void {
    const hls = this.active.hls;
    if (!hls) {
      this.listener.onLevels([], -1, true);
      return;
    }
    this.listener.onLevels(levelsOf(hls), hls.currentLevel, hls.autoLevelEnabled);
  }

  load(source: PlaybackSource, opts: { autoplay: boolean; startAtSec?: number }): void {
    if (this.spare.songId === source.songId && this.spare.songId !== null) {
      const old = this.active;
      this.active = this.spare;
      this.spare = old;
      this.detach(old);
      const hls = this.active.hls;
      if (hls) {
        hls.config.maxBufferLength = AUDIO_HLS_CONFIG.maxBufferLength ?? 30;
        hls.config.maxMaxBufferLength = AUDIO_HLS_CONFIG.maxMaxBufferLength ?? 30;
      }
    } else {
      this.attach(this.active, source, null);
    }
    const a = this.active.audio;
    if (opts.startAtSec) a.currentTime = opts.startAtSec;
    else if (a.currentTime > 0) a.currentTime = 0;
    this.emitLevels();
    this.listener.onState(opts.autoplay ? 'loading' : 'paused');
    if (opts.autoplay) void this.play();
  }

  preload(source: PlaybackSource | null): void {
    if (!source) {
      if (this.spare.songId) this.detach(this.spare);
      return;
    }
    if (this.spare.songId === source.songId) return;
    this.attach(this.spare, source, this.active);
  }

  async play(): Promise<void> {
    try {
      await this.active.audio.play();
    } catch (e) {
      const error = playFailure(e);
      if (!error) return; // superseded by a newer load or pause
      this.listener.onState('paused');
      this.listener.onError(error);
    }
  }

  pause(): void {
    this.active.audio.pause();
  }

  seek(sec: number): void {
    const a = this.active.audio;
    const max = Number.isFinite(a.duration) ? a.duration : sec;
    a.currentTime = Math.max(0, Math.min(sec, max));
  }

  setVolume(volume: number, muted: boolean): void {
    this.volume = Math.max(0, Math.min(1, volume));
    this.muted = muted;
    for (const d of [this.active, this.spare]) {
      d.audio.volume = this.volume;
      d.audio.muted = muted;
    }
  }

  setQuality(index: number): void {
    const hls = this.active.hls;
    if (!hls) return;
    if (index < 0) {
      this.manualKbps = null;
      hls.currentLevel = -1;
    } else {
      const level = hls.levels[index];
      if (!level) return;
      this.manualKbps = level.bitrate / 1000;
      hls.currentLevel = index;
    }
    this.emitLevels();
  }

  destroy(): void {
    this.detach(this.active);
    this.detach(this.spare);
  }
}
