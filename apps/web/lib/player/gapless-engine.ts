// The web player's engine on @tonearm/player's GaplessPlayer: consecutive tracks are placed on one
// MSE SourceBuffer and cut to the sample (priming and padding removed), so a track change is no
// change at all for the media element: the next track's playlists and first segment arrive while the
// current one plays (the provider's preload), and it starts on the very next sample. Loudness
// normalisation (off / track / album, a target, capped by true peak) and the crossfade setting apply
// here. The provider sees the same PlaybackEngine as with hls.js: `onEnded` at the seam, then a
// `load()` of the track that is already playing, which changes nothing.
import {
  GaplessPlayer,
  HttpError,
  hasGaplessData,
  type PlayerState,
  type TrackInput,
  trackInputFromMedia,
} from '@tonearm/player';
import {
  type EngineListener,
  type PlaybackEngine,
  type PlaybackSource,
  playFailure,
  type QualityLevel,
  qualityLevel,
} from './engine';
import { PEAK_CEILING_DBTP, type PlaybackSettings } from './settings';

/** What the engine exposes for tests and diagnostics (window.__tonearmPlayer). */
export type GaplessDebug = {
  engine: 'gapless';
  songId: string | null;
  /** Media elements created so far (a gapless handover creates none; a seek or a fresh load does). */
  mediaElements: number;
  /** The normalisation gain the engine computed for the playing track, and the one its gain node holds. */
  gainDb: number | null;
  appliedGainDb: number | null;
  isPeakLimited: boolean;
  basis: string | null;
  /** HLS CODECS of the level the listener hears now (`fLaC`: the lossless rung); null before audio. */
  playingCodecs: string | null;
  settings: PlaybackSettings;
  /** Gapless handovers: the song that started, and where in the one element's timeline. */
  handovers: { songId: string; elementTime: number; atMs: number; mediaElements: number }[];
};

export function canUseGaplessEngine(): boolean {
  return (
    typeof window !== 'undefined' &&
    typeof window.MediaSource !== 'undefined' &&
    typeof window.AudioContext !== 'undefined' &&
    MediaSource.isTypeSupported('audio/mp4; codecs="mp4a.40.2"')
  );
}

/** The engine's track input for a playback grant; null when the grant lacks gapless data. */
export function trackInputOf(source: PlaybackSource): TrackInput | null {
  const g = source.gapless;
  if (!g || !hasGaplessData(g)) return null;
  const base = new URL('.', source.masterUrl).toString();
  return trackInputFromMedia(
    source.songId,
    base,
    { ...g, loudnessLufs: source.loudnessLufs, truePeakDb: source.truePeakDb },
    {
      albumId: source.album?.id ?? null,
      album: source.album
        ? { loudnessLufs: source.album.loudnessLufs, truePeakDb: source.album.truePeakDb }
        : null,
      requestQuery: source.signedQuery,
    },
  );
}

const TIME_INTERVAL_MS = 250;

export class GaplessEngine implements PlaybackEngine {
  private readonly player: GaplessPlayer;
  /** Parallel to the player's queue: the grant each queued track came from. */
  private sources: PlaybackSource[] = [];
  private lastIndex = -1;
  /** The song the engine moved to by itself at a seam, awaiting the provider's load() of it. */
  private handedOver: string | null = null;
  private lastTimeAt = 0;
  private volume = 1;
  private muted = false;
  private isEnded = false;
  private readonly handovers: GaplessDebug['handovers'] = [];

  constructor(
    private readonly listener: EngineListener,
    private settings: PlaybackSettings,
  ) {
    this.player = new GaplessPlayer({
      crossfadeSeconds: settings.crossfadeSec,
      normalisation: {
        mode: settings.normalisation,
        targetLufs: settings.targetLufs,
        peakCeilingDb: PEAK_CEILING_DBTP,
      },
    });
    const p = this.player;
    p.on('trackchange', (s) => {
      const prev = this.lastIndex;
      this.lastIndex = s.trackIndex;
      const src = this.sources[s.trackIndex];
      if (prev >= 0 && s.trackIndex > prev && src) {
        // The next track started on the next sample: tell the provider, which advances its queue and
        // calls load() with this very song.
        this.handedOver = src.songId;
        this.handovers.push({
          songId: src.songId,
          elementTime: s.timeSeconds,
          atMs: performance.now(),
          mediaElements: p.decksCreated,
        });
        this.listener.onEnded();
      }
      this.emitLevels();
    });
    p.on('timeupdate', (s) => {
      if (performance.now() - this.lastTimeAt >= TIME_INTERVAL_MS) this.reportTime(s);
    });
    p.on('levelchange', () => this.emitLevels());
    p.on('activity', (a) => {
      if (this.isEnded) return;
      // A pause shows the position it holds at once, not the last (throttled) report before it.
      if (a === 'paused') this.reportTime(p.state);
      this.listener.onState(a === 'playing' ? 'playing' : a === 'waiting' ? 'loading' : 'paused');
    });
    p.on('ended', () => {
      this.isEnded = true;
      this.listener.onState('ended');
      this.listener.onEnded();
    });
    p.on('error', (err) => {
      const status = err instanceof HttpError ? err.status : null;
      this.listener.onError({
        kind: status !== null || /fetch|network/i.test(err.message) ? 'network' : 'media',
        message:
          status === 403
            ? 'The stream was refused (403): the link may have expired.'
            : status === 404
              ? 'This song’s audio could not be found on the media server (404).'
              : `Playback failed (${err.message}).`,
        httpStatus: status,
      });
    });
  }

  private reportTime(s: PlayerState): void {
    this.lastTimeAt = performance.now();
    this.listener.onTime({
      currentTime: s.timeSeconds,
      duration: s.durationSeconds,
      bufferedEnd: Math.min(s.bufferedSeconds, s.durationSeconds),
    });
  }

  private emitLevels(): void {
    const s = this.player.state;
    const levels: QualityLevel[] = s.levels.map((bw, index) => qualityLevel(index, bw, s.levelCodecs[index]));
    const manual = this.player.manualLevelIndex;
    this.listener.onLevels(levels, manual ?? s.level, manual === null);
  }

  private currentSongId(): string | null {
    return this.player.state.trackId;
  }

  load(source: PlaybackSource, opts: { autoplay: boolean; startAtSec?: number }): void {
    if (this.handedOver === source.songId && this.currentSongId() === source.songId && !opts.startAtSec) {
      // The gapless handover the engine already made: the element plays on untouched.
      this.handedOver = null;
      this.sources[this.lastIndex] = source;
      this.emitLevels();
      this.listener.onState(this.player.state.isPlaying ? 'playing' : 'paused');
      if (opts.autoplay && !this.player.state.isPlaying) void this.play();
      return;
    }
    this.handedOver = null;
    const input = trackInputOf(source);
    if (!input) {
      this.listener.onError({
        kind: 'unsupported',
        message: 'This song has no gapless metadata yet; it cannot be played by this player.',
        httpStatus: null,
      });
      return;
    }
    this.isEnded = false;
    this.sources = [source];
    this.lastIndex = -1;
    this.player.setQueue([input], 0, opts.startAtSec ?? 0);
    this.listener.onLevels([], -1, this.player.manualLevelIndex === null);
    this.listener.onState(opts.autoplay ? 'loading' : 'paused');
    if (opts.autoplay) void this.play();
  }

  preload(source: PlaybackSource | null): void {
    if (!source) return;
    const at = Math.max(this.lastIndex, 0);
    if (this.sources[at + 1]?.songId === source.songId) return;
    const input = trackInputOf(source);
    if (!input || this.sources.length === 0) return;
    if (this.sources.length > at + 1) {
      // The queue changed after another track was queued behind this one: swap it, still gapless.
      // Too close to the seam, the provider's load() of the wanted track takes over instead.
      if (this.player.replaceUpcoming([input])) this.sources = [...this.sources.slice(0, at + 1), source];
      return;
    }
    this.sources.push(source);
    this.player.enqueue(input);
  }

  async play(): Promise<void> {
    try {
      if (this.isEnded) {
        this.isEnded = false;
        await this.player.seek(0, Math.max(this.lastIndex, 0));
      }
      await this.player.play();
    } catch (e) {
      const error = playFailure(e);
      if (!error) return;
      this.listener.onState('paused');
      this.listener.onError(error);
    }
  }

  pause(): void {
    this.player.pause();
    this.reportTime(this.player.state);
    this.listener.onState('paused');
  }

  seek(sec: number): void {
    const s = this.player.state;
    const max = s.durationSeconds > 0 ? s.durationSeconds - 0.05 : sec;
    this.isEnded = false;
    void this.player.seek(Math.max(0, Math.min(sec, max)), Math.max(this.lastIndex, 0));
  }

  setVolume(volume: number, muted: boolean): void {
    this.volume = Math.max(0, Math.min(1, volume));
    this.muted = muted;
    this.player.setVolume(this.muted ? 0 : this.volume);
  }

  setQuality(index: number): void {
    this.player.setManualLevel(index < 0 ? null : index);
    this.emitLevels();
  }

  setSettings(settings: PlaybackSettings): void {
    this.settings = settings;
    this.player.setCrossfade(settings.crossfadeSec);
    this.player.setNormalisation({
      mode: settings.normalisation,
      targetLufs: settings.targetLufs,
      peakCeilingDb: PEAK_CEILING_DBTP,
    });
  }

  debug(): GaplessDebug {
    const s = this.player.state;
    return {
      engine: 'gapless',
      songId: s.trackId,
      mediaElements: this.player.decksCreated,
      gainDb: s.gain?.gainDb ?? null,
      appliedGainDb: this.player.appliedGainDb,
      isPeakLimited: s.gain?.isPeakLimited ?? false,
      basis: s.gain?.basis ?? null,
      playingCodecs: s.level >= 0 ? (s.levelCodecs[s.level] ?? null) : null,
      settings: this.settings,
      handovers: [...this.handovers],
    };
  }

  destroy(): void {
    this.player.destroy();
    void this.player.audioContext.close().catch(() => {});
  }
}
