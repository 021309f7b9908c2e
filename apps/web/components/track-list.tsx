'use client';
// A list of songs: play from any row (the rest of the list becomes the queue), open the song,
// artist or album, add to the queue, like. Used by every page that lists songs.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatDuration, spokenDuration } from '../lib/format';
import { useSession } from '../lib/hooks/use-auth';
import { useCurrentTrack, usePlayer, usePlayerState } from '../lib/player/player-provider';
import type { Track } from '../lib/types';
import { Cover } from './cover';
import { PauseIcon, PlayIcon, PlusIcon } from './icons';
import { AddToPlaylistButton, LikeButton } from './track-actions';

const STATUS_LABEL: Record<Track['status'], string | null> = {
  ready: null,
  uploaded: null,
  transcoding: 'Processing',
  failed: 'Failed',
};

export function TrackList({
  tracks,
  label,
  showAlbum = true,
  numbered = true,
  testId,
  renderActions,
  renderTitle,
}: {
  tracks: Track[];
  /** Accessible name of the list, e.g. "Top songs". */
  label: string;
  showAlbum?: boolean;
  numbered?: boolean;
  testId?: string;
  renderActions?: (track: Track, index: number) => ReactNode;
  /** The title as shown (e.g. with search highlights); defaults to the plain title. */
  renderTitle?: (track: Track, index: number) => ReactNode;
}) {
  const player = usePlayer();
  const isSignedIn = Boolean(useSession().data);
  const current = useCurrentTrack();
  const status = usePlayerState((s) => s.status);
  const isPlaying = status === 'playing' || status === 'loading';
  return (
    <ol className="tracks" aria-label={label} data-testid={testId}>
      {tracks.map((t, i) => {
        const isCurrent = current?.id === t.id;
        const badge = STATUS_LABEL[t.status];
        return (
          <li key={`${t.id}-${i}`} className="track" data-current={isCurrent}>
            <span className="track-num" aria-hidden="true">
              {numbered ? i + 1 : <Cover id={t.albumId ?? t.id} size={32} art={t.coverKey} />}
            </span>
            <button
              type="button"
              className="icon-btn track-play"
              aria-label={isCurrent && isPlaying ? `Pause ${t.title}` : `Play ${t.title} by ${t.artistName}`}
              onClick={() => (isCurrent ? player.togglePlay() : player.playTracks(tracks, i))}
            >
              {isCurrent && isPlaying ? <PauseIcon size={18} /> : <PlayIcon size={18} />}
            </button>
            <span className="track-main">
              <Link href={`/song/${t.id}`} className="track-title">
                {renderTitle ? renderTitle(t, i) : t.title}
                {badge && (
                  <>
                    {' '}
                    <span className="badge">{badge}</span>
                  </>
                )}
              </Link>
              <Link href={`/artist/${t.artistId}`} className="track-sub">
                {t.artistName}
              </Link>
            </span>
            <span className="track-album">
              {showAlbum && t.albumId && t.albumTitle ? (
                <Link href={`/album/${t.albumId}`}>{t.albumTitle}</Link>
              ) : null}
            </span>
            <span className="track-dur">
              {t.durationSec > 0 && (
                <>
                  <span aria-hidden="true">{formatDuration(t.durationSec)}</span>
                  <span className="visually-hidden">{spokenDuration(t.durationSec)}</span>
                </>
              )}
            </span>
            <span className="track-actions">
              {renderActions?.(t, i)}
              {isSignedIn && <LikeButton track={t} />}
              {isSignedIn && <AddToPlaylistButton track={t} />}
              <button
                type="button"
                className="icon-btn sm"
                aria-label={`Add ${t.title} to the queue`}
                title="Add to queue"
                onClick={() => player.enqueue(t)}
              >
                <PlusIcon size={18} />
              </button>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** "Play all" for a list: starts at the first track (shuffled if shuffle is on). */
export function PlayAllButton({ tracks, label = 'Play' }: { tracks: Track[]; label?: string }) {
  const player = usePlayer();
  return (
    <button
      type="button"
      className="btn btn-primary"
      disabled={tracks.length === 0}
      onClick={() => player.playTracks(tracks, 0)}
    >
      <PlayIcon size={18} /> {label}
    </button>
  );
}
