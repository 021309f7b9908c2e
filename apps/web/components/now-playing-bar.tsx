'use client';
// The persistent now-playing bar: track, transport, seek, volume, quality and the queue toggle.
// Every control is a native button or range input with a label, so it works by keyboard alone.
import Link from 'next/link';
import { useRef, useState } from 'react';
import { formatDuration } from '../lib/format';
import { useCurrentTrack, usePlayer, usePlayerState, usePlayerTime } from '../lib/player/player-provider';
import { Cover } from './cover';
import {
  MuteIcon,
  NextIcon,
  PauseIcon,
  PlayIcon,
  PrevIcon,
  QueueIcon,
  RepeatIcon,
  RepeatOneIcon,
  ShuffleIcon,
  VolumeIcon,
} from './icons';
import { PlaybackSettingsMenu } from './playback-settings';
import { QualityMenu } from './quality-menu';

function SeekBar({ disabled }: { disabled: boolean }) {
  const player = usePlayer();
  const currentTime = usePlayerTime((t) => Math.floor(t.currentTime));
  const duration = usePlayerTime((t) => Math.floor(t.duration));
  const [drag, setDrag] = useState<number | null>(null);
  const pointerDown = useRef(false);
  const shown = drag ?? currentTime;
  const max = Math.max(duration, 1);
  return (
    <div className="seek">
      <span aria-hidden="true">{formatDuration(shown)}</span>
      <input
        type="range"
        aria-label="Seek"
        min={0}
        max={max}
        step={1}
        value={Math.min(shown, max)}
        disabled={disabled}
        aria-valuetext={`${formatDuration(shown)} of ${formatDuration(duration)}`}
        onPointerDown={() => {
          pointerDown.current = true;
        }}
        onChange={(e) => {
          const v = Number(e.currentTarget.value);
          if (pointerDown.current) setDrag(v);
          else player.seek(v);
        }}
        onPointerUp={(e) => {
          pointerDown.current = false;
          player.seek(Number(e.currentTarget.value));
          setDrag(null);
        }}
        onKeyDown={(e) => {
          // Arrow keys belong to the slider here, not to the global shortcuts.
          e.stopPropagation();
        }}
      />
      <span aria-hidden="true">{formatDuration(duration)}</span>
    </div>
  );
}

function Volume() {
  const player = usePlayer();
  const volume = usePlayerState((s) => s.volume);
  const muted = usePlayerState((s) => s.muted);
  const pct = Math.round((muted ? 0 : volume) * 100);
  return (
    <div className="volume">
      <button
        type="button"
        className="icon-btn sm"
        aria-label={muted ? 'Unmute' : 'Mute'}
        title={muted ? 'Unmute (M)' : 'Mute (M)'}
        onClick={player.toggleMute}
      >
        {muted || volume === 0 ? <MuteIcon /> : <VolumeIcon />}
      </button>
      <input
        type="range"
        aria-label="Volume"
        min={0}
        max={100}
        step={5}
        value={pct}
        aria-valuetext={`${pct}%`}
        onChange={(e) => player.setVolume(Number(e.currentTarget.value) / 100)}
        onKeyDown={(e) => e.stopPropagation()}
      />
    </div>
  );
}

export function QueueToggle({ className = 'icon-btn' }: { className?: string }) {
  const player = usePlayer();
  const open = usePlayerState((s) => s.isQueueOpen);
  return (
    <button
      type="button"
      className={className}
      aria-label="Queue"
      aria-expanded={open}
      aria-controls="queue-drawer"
      title="Queue (Q)"
      onClick={() => player.setQueueOpen(!open)}
    >
      <QueueIcon />
    </button>
  );
}

export function NowPlayingBar() {
  const player = usePlayer();
  const track = useCurrentTrack();
  const status = usePlayerState((s) => s.status);
  const error = usePlayerState((s) => s.error);
  const errorNeedsSignIn = usePlayerState((s) => s.errorNeedsSignIn);
  const notice = usePlayerState((s) => s.notice);
  const shuffle = usePlayerState((s) => s.queue.shuffle);
  const repeat = usePlayerState((s) => s.queue.repeat);
  const hasTrack = track !== null;
  const isPlaying = status === 'playing' || status === 'loading';
  const repeatLabel = repeat === 'off' ? 'Repeat: off' : repeat === 'all' ? 'Repeat: all' : 'Repeat: one';

  return (
    <section className="player" aria-label="Now playing" data-status={status}>
      <div className="player-track">
        {track ? (
          <>
            <Cover id={track.albumId ?? track.id} size={52} art={track.coverKey} />
            <div className="text">
              <Link href={`/song/${track.id}`} className="player-title" data-testid="now-playing-title">
                {track.title}
              </Link>
              <Link href={`/artist/${track.artistId}`} className="player-artist">
                {track.artistName}
              </Link>
            </div>
          </>
        ) : (
          <span className="player-idle">Nothing playing. Pick a song to start.</span>
        )}
      </div>

      <div className="player-center">
        <div className="transport">
          <button
            type="button"
            className="icon-btn sm shuffle"
            aria-label="Shuffle"
            aria-pressed={shuffle}
            title="Shuffle (S)"
            onClick={player.toggleShuffle}
          >
            <ShuffleIcon size={18} />
          </button>
          <button
            type="button"
            className="icon-btn prev"
            aria-label="Previous"
            title="Previous (Shift+P)"
            disabled={!hasTrack}
            onClick={player.previous}
          >
            <PrevIcon />
          </button>
          <button
            type="button"
            className="play-btn"
            aria-label={isPlaying ? 'Pause' : 'Play'}
            title={isPlaying ? 'Pause (Space)' : 'Play (Space)'}
            disabled={!hasTrack}
            onClick={player.togglePlay}
          >
            {isPlaying ? <PauseIcon /> : <PlayIcon />}
          </button>
          <button
            type="button"
            className="icon-btn next"
            aria-label="Next"
            title="Next (Shift+N)"
            disabled={!hasTrack}
            onClick={player.next}
          >
            <NextIcon />
          </button>
          <button
            type="button"
            className="icon-btn sm repeat"
            aria-label={repeatLabel}
            aria-pressed={repeat !== 'off'}
            title={`${repeatLabel} (R)`}
            onClick={player.cycleRepeat}
          >
            {repeat === 'one' ? <RepeatOneIcon size={18} /> : <RepeatIcon size={18} />}
          </button>
          <QueueToggle className="icon-btn only-phone" />
        </div>
        <SeekBar disabled={!hasTrack} />
      </div>

      <div className="player-right">
        <QualityMenu />
        <QueueToggle />
        <Volume />
        <PlaybackSettingsMenu />
      </div>

      {error && (
        <div className="player-error" role="alert">
          <span>{error}</span>
          {errorNeedsSignIn && (
            <Link href="/login" className="btn btn-primary" onClick={player.dismissError}>
              Log in
            </Link>
          )}
          <button type="button" onClick={player.dismissError}>
            Dismiss
          </button>
        </div>
      )}
      {!error && notice && (
        <div className="player-notice" role="status" data-testid="player-notice">
          <span>{notice}</span>
          <button type="button" onClick={player.dismissError}>
            Dismiss
          </button>
        </div>
      )}
      <p className="visually-hidden" aria-live="polite">
        {track && status === 'playing' ? `Playing ${track.title} by ${track.artistName}` : ''}
      </p>
    </section>
  );
}
