'use client';
// Per-song actions for a signed-in person: like, and add to one of their playlists.
import { useEffect, useId, useRef, useState } from 'react';
import { describeError } from '../lib/errors';
import { useLikes, useToggleLike } from '../lib/hooks/use-library';
import { useMyPlaylists, usePlaylistActions } from '../lib/hooks/use-playlists';
import type { Track } from '../lib/types';
import { HeartIcon, PlaylistIcon } from './icons';

export function LikeButton({ track }: { track: Track }) {
  const likes = useLikes(true);
  const toggle = useToggleLike();
  const liked = likes.data?.some((t) => t.id === track.id) ?? false;
  return (
    <button
      type="button"
      className="icon-btn sm"
      aria-label={`Like ${track.title}`}
      aria-pressed={liked}
      title={liked ? 'Remove from your library' : 'Add to your library'}
      disabled={toggle.isPending || likes.data === undefined}
      onClick={() => toggle.run({ songId: track.id, liked: !liked }).catch((e) => alert(describeError(e)))}
    >
      <HeartIcon size={18} filled={liked} />
    </button>
  );
}

export function AddToPlaylistButton({ track }: { track: Track }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const playlists = useMyPlaylists(open);
  const actions = usePlaylistActions();
  const id = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    popRef.current?.querySelector<HTMLElement>('button, a')?.focus();
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!popRef.current?.contains(t) && !buttonRef.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open, playlists.data]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  return (
    <span style={{ position: 'relative' }}>
      <button
        ref={buttonRef}
        type="button"
        className="icon-btn sm"
        aria-label={`Add ${track.title} to a playlist`}
        aria-expanded={open}
        aria-controls={id}
        title="Add to playlist"
        onClick={() => {
          setMessage(null);
          setOpen((o) => !o);
        }}
      >
        <PlaylistIcon size={18} />
      </button>
      {open && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the popover from any control inside it
        <div
          ref={popRef}
          id={id}
          className="popover"
          style={{ bottom: 'auto', top: 'calc(100% + 4px)', right: 0 }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Escape') close();
          }}
        >
          <p style={{ margin: '0 6px 6px', fontWeight: 700 }}>Add to playlist</p>
          {playlists.isPending && <p className="hint">Loading…</p>}
          {playlists.data?.length === 0 && <p className="hint">You have no playlists yet.</p>}
          <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {playlists.data?.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="btn"
                  style={{ width: '100%', justifyContent: 'flex-start', border: 0, borderRadius: 6 }}
                  onClick={() =>
                    actions.addSong.run({ id: p.id, songId: track.id, revision: p.revision }).then(
                      () => setMessage(`Added to ${p.name}.`),
                      (e) => setMessage(describeError(e)),
                    )
                  }
                >
                  {p.name}
                </button>
              </li>
            ))}
          </ul>
          <p className="hint" role="status">
            {message}
          </p>
        </div>
      )}
    </span>
  );
}
