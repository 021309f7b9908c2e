'use client';
import Link from 'next/link';
import { use } from 'react';
import { Cover } from '../../../components/cover';
import { LoadStatus } from '../../../components/status';
import { PlayAllButton, TrackList } from '../../../components/track-list';
import { useArtist } from '../../../lib/hooks/use-catalog';
import { usePageTitle } from '../../../lib/use-page-title';

export default function ArtistPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const artist = useArtist(id);
  usePageTitle(artist.data?.name ?? 'Artist');
  if (!artist.data) {
    return (
      <>
        <h1 className="visually-hidden">Artist</h1>
        <LoadStatus state={artist} what="this artist" />
      </>
    );
  }
  const a = artist.data;
  return (
    <>
      <div className="page-header hero">
        <Cover id={a.id} size={180} round />
        <div>
          <p className="eyebrow">Artist</p>
          <h1>{a.name}</h1>
          {a.genres.length > 0 && <p className="meta">{a.genres.join(' · ')}</p>}
          <div className="actions">
            <PlayAllButton tracks={a.topTracks} />
          </div>
        </div>
      </div>
      {a.bio && <p style={{ maxWidth: '70ch' }}>{a.bio}</p>}
      <section className="section" aria-labelledby="popular-heading">
        <div className="section-head">
          <h2 id="popular-heading">Popular</h2>
        </div>
        <TrackList tracks={a.topTracks} label={`Popular songs by ${a.name}`} testId="artist-top" />
      </section>
      {a.albums.length > 0 && (
        <section className="section" aria-labelledby="albums-heading">
          <div className="section-head">
            <h2 id="albums-heading">Albums</h2>
          </div>
          <ul className="cards" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {a.albums.map((al) => (
              <li key={al.id}>
                <Link href={`/album/${al.id}`} className="card">
                  <Cover id={al.id} size={160} art={al.coverKey} />
                  <span className="card-title">{al.title}</span>
                  <span className="card-sub">{al.year ?? 'Album'}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
