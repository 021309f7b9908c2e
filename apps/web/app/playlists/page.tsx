'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Cover } from '../../components/cover';
import { RequireSession } from '../../components/require-session';
import { LoadStatus } from '../../components/status';
import { describeError } from '../../lib/errors';
import { plural } from '../../lib/format';
import { useMyPlaylists, usePlaylistActions } from '../../lib/hooks/use-playlists';
import { usePageTitle } from '../../lib/use-page-title';

function CreatePlaylist() {
  const { create } = usePlaylistActions();
  const router = useRouter();
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="card"
      style={{ maxWidth: 520, gap: 14 }}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        create.run({ name: name.trim(), isPublic }).then(
          (p) => router.push(`/playlists/${p.id}`),
          (err) => setError(describeError(err)),
        );
      }}
    >
      <h2>New playlist</h2>
      <div className="field">
        <label htmlFor="playlist-name">Name</label>
        <input
          id="playlist-name"
          className="input"
          required
          maxLength={120}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'playlist-error' : undefined}
        />
      </div>
      <label style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
        <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.currentTarget.checked)} />
        Public: anyone with the link can see it
      </label>
      {error && (
        <p id="playlist-error" className="field-error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
          Create playlist
        </button>
      </div>
    </form>
  );
}

function MyPlaylists() {
  const list = useMyPlaylists(true);
  return (
    <>
      <CreatePlaylist />
      <section className="section" aria-labelledby="mine-heading">
        <div className="section-head">
          <h2 id="mine-heading">Your playlists</h2>
        </div>
        <LoadStatus state={list} what="your playlists" />
        {list.data && list.data.length === 0 && <p className="muted">No playlists yet.</p>}
        {list.data && list.data.length > 0 && (
          <ul
            className="cards"
            style={{ listStyle: 'none', padding: 0, margin: 0 }}
            data-testid="my-playlists"
          >
            {list.data.map((p) => (
              <li key={p.id}>
                <Link href={`/playlists/${p.id}`} className="card">
                  <Cover id={p.id} size={160} />
                  <span className="card-title">{p.name}</span>
                  <span className="card-sub">
                    {p.isPublic ? 'Public' : 'Private'} · {plural(p.trackCount, 'song')}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export default function PlaylistsPage() {
  usePageTitle('Playlists');
  return (
    <>
      <div className="page-header">
        <h1>Playlists</h1>
      </div>
      <RequireSession what="make playlists">{() => <MyPlaylists />}</RequireSession>
    </>
  );
}
