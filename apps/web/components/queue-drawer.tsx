'use client';
// The queue: what plays now and next. Opens from the bar, closes with Escape and gives focus back.
import { useEffect, useRef } from 'react';
import { formatDuration } from '../lib/format';
import { usePlayer, usePlayerState } from '../lib/player/player-provider';
import * as Q from '../lib/player/queue';
import { CloseIcon, DownIcon, UpIcon } from './icons';

export function QueueDrawer() {
  const player = usePlayer();
  const open = usePlayerState((s) => s.isQueueOpen);
  const queue = usePlayerState((s) => s.queue);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (!open) return;
    returnTo.current = document.activeElement as HTMLElement | null;
    headingRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  function close() {
    player.setQueueOpen(false);
    const back = returnTo.current;
    // Give focus back to the control that opened the drawer (or the visible queue button).
    if (back && document.contains(back)) back.focus();
    else document.querySelector<HTMLElement>('[aria-controls="queue-drawer"]')?.focus();
  }

  if (!open) return null;
  const current = Q.currentTrack(queue);
  const next = Q.upcoming(queue);
  return (
    <aside id="queue-drawer" className="drawer" aria-labelledby="queue-heading">
      <div className="drawer-head">
        <h2 id="queue-heading" ref={headingRef} tabIndex={-1}>
          Queue
        </h2>
        <button type="button" className="icon-btn" aria-label="Close queue" onClick={close}>
          <CloseIcon />
        </button>
      </div>
      <div className="drawer-body">
        <h3 id="queue-now">Now playing</h3>
        {current ? (
          <p className="queue-item">
            <span>
              <strong>{current.title}</strong>
              <span className="sub"> · {current.artistName}</span>
            </span>
          </p>
        ) : (
          <p className="muted" style={{ margin: '0 8px' }}>
            Nothing is playing.
          </p>
        )}
        <h3 id="queue-next">Next up</h3>
        {next.length === 0 ? (
          <p className="muted" style={{ margin: '0 8px' }}>
            {queue.repeat === 'all' && current ? 'The queue starts over after this song.' : 'Nothing queued.'}
          </p>
        ) : (
          <ol className="queue-list" aria-labelledby="queue-next" data-testid="queue-next">
            {next.map(({ position, track }, i) => (
              <li key={`${position}-${track.id}`} className="queue-item">
                <button
                  type="button"
                  className="jump"
                  onClick={() => player.jumpTo(position)}
                  aria-label={`Play ${track.title} by ${track.artistName} now`}
                >
                  <span>{track.title}</span>
                  <span className="sub">
                    {track.artistName} · {formatDuration(track.durationSec)}
                  </span>
                </button>
                <span style={{ display: 'flex' }}>
                  <button
                    type="button"
                    className="icon-btn sm"
                    aria-label={`Move ${track.title} up`}
                    disabled={i === 0}
                    onClick={() => player.moveInQueue(position, position - 1)}
                  >
                    <UpIcon size={16} />
                  </button>
                  <button
                    type="button"
                    className="icon-btn sm"
                    aria-label={`Move ${track.title} down`}
                    disabled={i === next.length - 1}
                    onClick={() => player.moveInQueue(position, position + 1)}
                  >
                    <DownIcon size={16} />
                  </button>
                  <button
                    type="button"
                    className="icon-btn sm"
                    aria-label={`Remove ${track.title} from the queue`}
                    onClick={() => player.removeFromQueue(position)}
                  >
                    <CloseIcon size={16} />
                  </button>
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </aside>
  );
}
