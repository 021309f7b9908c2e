'use client';
import { RequireSession } from '../../components/require-session';
import { LoadStatus } from '../../components/status';
import { PlayAllButton, TrackList } from '../../components/track-list';
import { plural } from '../../lib/format';
import { useLikes } from '../../lib/hooks/use-library';
import { usePageTitle } from '../../lib/use-page-title';

function Likes() {
  const likes = useLikes(true);
  return (
    <>
      <LoadStatus state={likes} what="your liked songs" />
      {likes.data && likes.data.length === 0 && (
        <p className="notice">Songs you like appear here. Press the heart next to a song to like it.</p>
      )}
      {likes.data && likes.data.length > 0 && (
        <>
          <div className="section-head">
            <p>{plural(likes.data.length, 'song')}</p>
            <PlayAllButton tracks={likes.data} />
          </div>
          <TrackList tracks={likes.data} label="Liked songs" testId="liked-songs" />
        </>
      )}
    </>
  );
}

export default function LibraryPage() {
  usePageTitle('Library');
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Library</p>
          <h1>Liked songs</h1>
        </div>
      </div>
      <RequireSession what="see the songs you like">{() => <Likes />}</RequireSession>
    </>
  );
}
