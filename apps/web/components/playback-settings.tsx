'use client';
// Playback settings in the now-playing bar: volume normalisation (off / per track / per album), the
// target loudness, and the crossfade. A button with a popover like the quality menu: native radios, a
// select and a range input, each labelled; Escape closes it and returns focus to the button.
import { useId } from 'react';
import { usePlayer, usePlayerState } from '../lib/player/player-provider';
import { MAX_CROSSFADE_SEC, TARGET_CHOICES } from '../lib/player/settings';
import { usePopover } from '../lib/use-popover';

const MODES = [
  { value: 'off', label: 'Off', hint: 'Songs play as mastered.' },
  { value: 'track', label: 'Per track', hint: 'Every song at the same loudness.' },
  { value: 'album', label: 'Per album', hint: 'One level per album: its quiet and loud songs stay so.' },
] as const;

function SettingsIcon() {
  return (
    <svg
      width={18}
      height={18}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0" />
      <circle cx="16" cy="6" r="2" />
      <circle cx="10" cy="12" r="2" />
      <circle cx="18" cy="18" r="2" />
    </svg>
  );
}

export function PlaybackSettingsMenu() {
  const player = usePlayer();
  const settings = usePlayerState((s) => s.settings);
  const { open, setOpen, close, buttonRef, popRef } = usePopover();
  const id = useId();

  const fade = settings.crossfadeSec;
  const fadeText = fade === 0 ? 'Off (gapless)' : `${fade} s`;

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="icon-btn sm"
        aria-label="Playback settings"
        aria-expanded={open}
        aria-controls={id}
        title="Playback settings: normalisation and crossfade"
        onClick={() => setOpen((o) => !o)}
      >
        <SettingsIcon />
      </button>
      {open && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the popover from any control inside it
        <div
          ref={popRef}
          id={id}
          className="popover playback-settings"
          data-testid="playback-settings"
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Escape') close();
          }}
        >
          <fieldset>
            <legend>Volume normalisation</legend>
            {MODES.map((m) => (
              <label key={m.value} title={m.hint}>
                <input
                  type="radio"
                  name={`${id}-norm`}
                  value={m.value}
                  checked={settings.normalisation === m.value}
                  onChange={() => player.setPlaybackSettings({ normalisation: m.value })}
                />
                {m.label}
              </label>
            ))}
          </fieldset>
          <label className="setting-row">
            Target loudness
            <select
              value={settings.targetLufs}
              disabled={settings.normalisation === 'off'}
              onChange={(e) => player.setPlaybackSettings({ targetLufs: Number(e.currentTarget.value) })}
            >
              {TARGET_CHOICES.map((t) => (
                <option key={t} value={t}>
                  {t} LUFS{t === -14 ? ' (default)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="setting-row">
            Crossfade
            <input
              type="range"
              min={0}
              max={MAX_CROSSFADE_SEC}
              step={1}
              value={fade}
              aria-valuetext={fadeText}
              onChange={(e) => player.setPlaybackSettings({ crossfadeSec: Number(e.currentTarget.value) })}
            />
            <span aria-hidden="true">{fadeText}</span>
          </label>
          <p className="hint">
            Songs are never pushed past −1 dBTP. Consecutive songs of an album always play gaplessly.
          </p>
        </div>
      )}
    </>
  );
}
