'use client';
import Link from 'next/link';
import { use } from 'react';
import { Cover } from '../../../components/cover';
import { LoadStatus } from '../../../components/status';
import { PlayAllButton, TrackList } from '../../../components/track-list';
import { formatDuration, plural } from '../../../lib/format';
import { useAlbum } from '../../../lib/hooks/use-catalog';
import { usePageTitle } from '../../../lib/use-page-title';

export default function AlbumPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const album = useAlbum(id);
  usePageTitle(album.data?.title ?? 'Album');
  if (!album.data) {
    return (
      <>
        <h1 className="visually-hidden">Album</h1>
        <LoadStatus state={album} what="this album" />
      </>
    );
  }
  const a = album.data;
  const total = a.tracks.reduce((n, t) => n + t.durationSec, 0);
  return (
    <>
      <div className="page-header hero">
        <Cover id={a.id} size={200} art={a.coverKey} />
        <div>
          <p className="eyebrow">Album</p>
          <h1>{a.title}</h1>
          <p className="meta">
            <Link href={`/artist/${a.artistId}`}>{a.artistName}</Link>
            {a.year && ` · ${a.year}`} · {plural(a.tracks.length, 'song')} · {formatDuration(total)}
          </p>
          <div className="actions">
            <PlayAllButton tracks={a.tracks} />
          </div>
        </div>
      </div>
      <TrackList tracks={a.tracks} label={`Songs on ${a.title}`} showAlbum={false} testId="album-tracks" />
    </>
  );
}
