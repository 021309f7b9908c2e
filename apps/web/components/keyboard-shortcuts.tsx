'use client';
// Global keyboard shortcuts for the player, and the "?" help dialog listing them. Keys typed into a
// field, or pressed on a focused control that already handles them, are left alone.
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { usePlayer, usePlayerState } from '../lib/player/player-provider';
import { requestSearchFocus } from '../lib/search-focus';
import { KeyboardIcon } from './icons';

export const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: ['Space', 'K'], action: 'Play or pause' },
  { keys: ['Shift', 'N'], action: 'Next song' },
  { keys: ['Shift', 'P'], action: 'Previous song' },
  { keys: ['J'], action: 'Back 10 seconds' },
  { keys: ['L'], action: 'Forward 10 seconds' },
  { keys: ['M'], action: 'Mute or unmute' },
  { keys: ['S'], action: 'Shuffle on or off' },
  { keys: ['R'], action: 'Repeat: off, all, one' },
  { keys: ['Q'], action: 'Show or hide the queue' },
  { keys: ['/'], action: 'Search' },
  { keys: ['?'], action: 'This list' },
];

function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(type);
  }
  return false;
}

export function KeyboardShortcuts() {
  const player = usePlayer();
  const router = useRouter();
  const queueOpen = usePlayerState((s) => s.isQueueOpen);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const queueOpenRef = useRef(queueOpen);
  queueOpenRef.current = queueOpen;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (dialogRef.current?.open) return;
      const onControl =
        e.target instanceof HTMLElement && e.target.closest('button, a, [role="button"], summary') !== null;
      const key = e.key;
      let handled = true;
      if (key === ' ' && !onControl) player.togglePlay();
      else if (key === 'k' || key === 'K') player.togglePlay();
      else if (key === 'N' && e.shiftKey) player.next();
      else if (key === 'P' && e.shiftKey) player.previous();
      else if (key === 'j' || key === 'J') player.seekBy(-10);
      else if (key === 'l' || key === 'L') player.seekBy(10);
      else if (key === 'm' || key === 'M') player.toggleMute();
      else if (key === 's' || key === 'S') player.toggleShuffle();
      else if (key === 'r' || key === 'R') player.cycleRepeat();
      else if (key === 'q' || key === 'Q') player.setQueueOpen(!queueOpenRef.current);
      else if (key === '/') {
        const box = document.querySelector<HTMLInputElement>('input[type="search"]');
        if (box) box.focus();
        else {
          requestSearchFocus();
          router.push('/search');
        }
      } else if (key === '?') dialogRef.current?.showModal();
      else handled = false;
      if (handled) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [player, router]);

  return (
    <dialog ref={dialogRef} className="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.action} style={{ display: 'contents' }}>
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && (s.keys[0] === 'Shift' ? ' + ' : ' or ')}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{s.action}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" className="btn">
          Close
        </button>
      </form>
    </dialog>
  );
}

export function ShortcutsButton() {
  return (
    <button
      type="button"
      className="icon-btn hide-phone"
      aria-label="Keyboard shortcuts"
      title="Keyboard shortcuts (?)"
      onClick={() => document.querySelector<HTMLDialogElement>('dialog.shortcuts')?.showModal()}
    >
      <KeyboardIcon />
    </button>
  );
}
