'use client';
import Link from 'next/link';
import { use } from 'react';
import { Cover } from '../../../components/cover';
import { PlayIcon } from '../../../components/icons';
import { LoadStatus } from '../../../components/status';
import { TrackList } from '../../../components/track-list';
import { formatDuration, plural } from '../../../lib/format';
import { useMoreLikeThis, useSong } from '../../../lib/hooks/use-catalog';
import { usePlayer } from '../../../lib/player/player-provider';
import { toTrack } from '../../../lib/types';
import { usePageTitle } from '../../../lib/use-page-title';

export default function SongPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const song = useSong(id);
  const more = useMoreLikeThis(id);
  const player = usePlayer();
  usePageTitle(song.data?.title);
  if (!song.data) {
    return (
      <>
        <h1 className="visually-hidden">Song</h1>
        <LoadStatus state={song} what="this song" />
      </>
    );
  }
  const s = song.data;
  const track = toTrack(s);
  return (
    <>
      <div className="page-header hero">
        <Cover id={s.albumId ?? s.id} size={200} art={s.coverKey} />
        <div>
          <p className="eyebrow">Song</p>
          <h1>{s.title}</h1>
          <p className="meta">
            <Link href={`/artist/${s.artistId}`}>{s.artistName}</Link>
            {s.albumId && s.albumTitle && (
              <>
                {' · '}
                <Link href={`/album/${s.albumId}`}>{s.albumTitle}</Link>
              </>
            )}
            {' · '}
            {formatDuration(s.durationSec)}
            {s.genre && ` · ${s.genre}`}
            {' · '}
            {plural(s.playCount, 'play')}
          </p>
          <div className="actions">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => player.playTracks([track, ...(more.data ?? [])], 0)}
            >
              <PlayIcon size={18} /> Play
            </button>
            <button type="button" className="btn" onClick={() => player.playNext(track)}>
              Play next
            </button>
          </div>
        </div>
      </div>
      <section className="section" aria-labelledby="more-heading">
        <div className="section-head">
          <h2 id="more-heading">More like this</h2>
        </div>
        <LoadStatus state={more} what="similar songs" />
        {more.data && more.data.length === 0 && <p className="muted">Nothing similar yet.</p>}
        {more.data && more.data.length > 0 && (
          <TrackList tracks={more.data} label="More like this" numbered={false} testId="more-like-this" />
        )}
      </section>
    </>
  );
}
