'use client';
// The now-playing bar's quality menu: automatic, or a level pinned by hand (its bit rate, or
// "Lossless"); the player controller keeps the choice across songs and reloads.
import { useId } from 'react';
import { usePlayer, usePlayerState } from '../lib/player/player-provider';
import { usePopover } from '../lib/use-popover';

export function QualityMenu() {
  const player = usePlayer();
  const levels = usePlayerState((s) => s.levels);
  const current = usePlayerState((s) => s.currentLevel);
  const isAuto = usePlayerState((s) => s.isAutoQuality);
  const { open, setOpen, close, buttonRef, popRef } = usePopover();
  const id = useId();
  const now = levels[current]?.name;
  const label = now ? `${isAuto ? 'Auto · ' : ''}${now}` : isAuto ? 'Auto' : 'Manual';

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="quality-btn"
        aria-label={`Audio quality: ${label}`}
        aria-expanded={open}
        aria-controls={id}
        title="Audio quality"
        onClick={() => setOpen((o) => !o)}
      >
        {label}
      </button>
      {open && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the popover from any control inside it
        <div
          ref={popRef}
          id={id}
          className="popover"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close();
            } else e.stopPropagation();
          }}
        >
          <fieldset>
            <legend>Audio quality</legend>
            <label>
              <input type="radio" name={`${id}-q`} checked={isAuto} onChange={() => player.setQuality(-1)} />
              Automatic{isAuto && now ? ` (now ${now})` : ''}
            </label>
            {levels
              .slice()
              .sort((a, b) => b.bitrateKbps - a.bitrateKbps)
              .map((l) => (
                <label key={l.index}>
                  <input
                    type="radio"
                    name={`${id}-q`}
                    checked={!isAuto && current === l.index}
                    onChange={() => player.setQuality(l.index)}
                  />
                  {l.name}
                </label>
              ))}
          </fieldset>
          {levels.length === 0 && <p className="hint">Qualities appear once a song is playing.</p>}
          <p className="hint">Automatic adapts to your connection.</p>
        </div>
      )}
    </>
  );
}
