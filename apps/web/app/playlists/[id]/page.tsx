'use client';
// One playlist. Its owner renames it, makes it public or private, reorders songs by dragging or by
// keyboard (Alt+↑/↓ on a row's handle, or the move buttons), removes songs and deletes it.
import { useRouter } from 'next/navigation';
import { use, useEffect, useRef, useState } from 'react';
import { Cover } from '../../../components/cover';
import { CloseIcon, DownIcon, DragIcon, UpIcon } from '../../../components/icons';
import { LoadStatus } from '../../../components/status';
import { PlayAllButton, TrackList } from '../../../components/track-list';
import { describeError } from '../../../lib/errors';
import { plural } from '../../../lib/format';
import { usePlaylist, usePlaylistActions } from '../../../lib/hooks/use-playlists';
import type { PlaylistView } from '../../../lib/types';
import { usePageTitle } from '../../../lib/use-page-title';

function moved<T>(xs: T[], from: number, to: number): T[] {
  const out = xs.slice();
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x!);
  return out;
}

type Rev = { revision: number };

/**
 * Runs a playlist's edits one after another, each naming the revision the previous one produced,
 * so quick successive edits (three Alt+↓ in a row) never conflict with each other.
 */
function useEditQueue(playlist: PlaylistView) {
  const revision = useRef(playlist.revision);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  useEffect(() => {
    revision.current = Math.max(revision.current, playlist.revision);
  }, [playlist.revision]);
  return <T extends Rev | unknown>(edit: (revision: number) => Promise<T>): Promise<T> => {
    const next = chain.current.then(async () => {
      const out = await edit(revision.current);
      const r = (out as Partial<Rev> | undefined)?.revision;
      if (typeof r === 'number') revision.current = r;
      return out;
    });
    chain.current = next.catch(() => undefined);
    return next;
  };
}

function OwnerTools({ playlist }: { playlist: PlaylistView }) {
  const actions = usePlaylistActions();
  const edit = useEditQueue(playlist);
  const router = useRouter();
  const [name, setName] = useState(playlist.name);
  const [isPublic, setIsPublic] = useState(playlist.isPublic);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setIsPublic(playlist.isPublic), [playlist.isPublic]);
  const fail = (e: unknown) => setError(describeError(e));
  return (
    <div className="actions" style={{ alignItems: 'center' }}>
      <form
        style={{ display: 'flex', gap: 8 }}
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          edit((revision) => actions.rename.run({ id: playlist.id, name: name.trim(), revision })).catch(
            fail,
          );
        }}
      >
        <label htmlFor="rename" className="visually-hidden">
          Playlist name
        </label>
        <input
          id="rename"
          className="input"
          style={{ minHeight: 40, width: 220 }}
          value={name}
          maxLength={120}
          required
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" className="btn" disabled={!name.trim() || name.trim() === playlist.name}>
          Rename
        </button>
      </form>
      <label style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <input
          type="checkbox"
          checked={isPublic}
          onChange={(e) => {
            const next = e.currentTarget.checked;
            setIsPublic(next); // optimistic; reverted if the server refuses
            edit((revision) => actions.setPublic.run({ id: playlist.id, isPublic: next, revision })).catch(
              (err) => {
                setIsPublic(!next);
                fail(err);
              },
            );
          }}
        />
        Public
      </label>
      <button
        type="button"
        className="btn btn-danger"
        onClick={() => {
          if (!confirm(`Delete “${playlist.name}”? This cannot be undone.`)) return;
          edit((revision) => actions.remove.run({ id: playlist.id, revision })).then(
            () => router.push('/playlists'),
            fail,
          );
        }}
      >
        Delete
      </button>
      {error && (
        <p className="field-error" role="alert" style={{ width: '100%', margin: 0 }}>
          {error}
        </p>
      )}
    </div>
  );
}

function EditableEntries({ playlist }: { playlist: PlaylistView }) {
  const actions = usePlaylistActions();
  const edit = useEditQueue(playlist);
  const [entries, setEntries] = useState(playlist.entries);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setEntries(playlist.entries), [playlist.entries]);

  const moveEntry = (from: number, to: number) => {
    if (to < 0 || to >= entries.length || from === to) return;
    const entry = entries[from]!;
    setEntries((xs) => moved(xs, from, to)); // optimistic; the refetch after the write confirms it
    setStatus(`${entry.track.title} moved to position ${to + 1} of ${entries.length}`);
    edit((revision) =>
      actions.moveEntry.run({ id: playlist.id, entryId: entry.entryId, toIndex: to, revision }),
    ).catch((e) => {
      setEntries(playlist.entries);
      setError(describeError(e));
    });
    requestAnimationFrame(() => {
      document.querySelector<HTMLElement>(`[data-handle="${entry.entryId}"]`)?.focus();
    });
  };

  const tracks = entries.map((e) => e.track);
  return (
    <>
      <p className="muted">Drag songs to reorder, or focus a handle and press Alt + ↑ / ↓.</p>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {status}
      </p>
      <TrackList
        tracks={tracks}
        label={`Songs in ${playlist.name}`}
        testId="playlist-entries"
        renderActions={(t, i) => {
          const entry = entries[i]!;
          return (
            <>
              <button
                type="button"
                className="icon-btn sm"
                data-handle={entry.entryId}
                aria-label={`Reorder ${t.title}, position ${i + 1} of ${entries.length}`}
                aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
                draggable
                onDragStart={(e) => {
                  setDragFrom(i);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onDragOver={(e) => e.preventDefault()}
                onDrop={(e) => {
                  e.preventDefault();
                  if (dragFrom !== null) moveEntry(dragFrom, i);
                  setDragFrom(null);
                }}
                onKeyDown={(e) => {
                  if (e.altKey && e.key === 'ArrowUp') {
                    e.preventDefault();
                    moveEntry(i, i - 1);
                  } else if (e.altKey && e.key === 'ArrowDown') {
                    e.preventDefault();
                    moveEntry(i, i + 1);
                  }
                }}
                style={{ cursor: 'grab' }}
              >
                <DragIcon size={16} />
              </button>
              <button
                type="button"
                className="icon-btn sm"
                aria-label={`Move ${t.title} up`}
                disabled={i === 0}
                onClick={() => moveEntry(i, i - 1)}
              >
                <UpIcon size={16} />
              </button>
              <button
                type="button"
                className="icon-btn sm"
                aria-label={`Move ${t.title} down`}
                disabled={i === entries.length - 1}
                onClick={() => moveEntry(i, i + 1)}
              >
                <DownIcon size={16} />
              </button>
              <button
                type="button"
                className="icon-btn sm"
                aria-label={`Remove ${t.title} from the playlist`}
                onClick={() =>
                  edit((revision) =>
                    actions.removeEntry.run({ id: playlist.id, entryId: entry.entryId, revision }),
                  ).catch((err) => setError(describeError(err)))
                }
              >
                <CloseIcon size={16} />
              </button>
            </>
          );
        }}
      />
    </>
  );
}

export default function PlaylistPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const playlist = usePlaylist(id);
  usePageTitle(playlist.data?.name ?? 'Playlist');
  if (!playlist.data) {
    return (
      <>
        <h1 className="visually-hidden">Playlist</h1>
        <LoadStatus state={playlist} what="this playlist" />
      </>
    );
  }
  const p = playlist.data;
  const tracks = p.entries.map((e) => e.track);
  return (
    <>
      <div className="page-header hero">
        <Cover id={p.id} size={180} />
        <div>
          <p className="eyebrow">{p.isPublic ? 'Public playlist' : 'Private playlist'}</p>
          <h1>{p.name}</h1>
          <p className="meta">
            {p.owner ? `By ${p.owner.displayName} · ` : ''}
            {plural(p.entries.length, 'song')}
          </p>
          {p.description && <p>{p.description}</p>}
          <div className="actions">
            <PlayAllButton tracks={tracks} />
          </div>
          {p.isOwner && <OwnerTools playlist={p} />}
        </div>
      </div>
      {p.entries.length === 0 ? (
        <p className="notice">This playlist is empty. Add songs from any song list.</p>
      ) : p.isOwner ? (
        <EditableEntries playlist={p} />
      ) : (
        <TrackList tracks={tracks} label={`Songs in ${p.name}`} testId="playlist-entries" />
      )}
    </>
  );
}
