'use client';
import { LoadStatus } from '../components/status';
import { PlayAllButton, TrackList } from '../components/track-list';
import { useSession } from '../lib/hooks/use-auth';
import { useRecentlyPlayed, useRecommendations, useTopSongs } from '../lib/hooks/use-catalog';
import { usePageTitle } from '../lib/use-page-title';

function greeting(): string {
  const h = new Date().getHours();
  return h < 5 ? 'Good night' : h < 12 ? 'Good morning' : h < 18 ? 'Good afternoon' : 'Good evening';
}

export default function HomePage() {
  usePageTitle('Home');
  const session = useSession();
  const user = session.data ?? null;
  const top = useTopSongs(20);
  const recent = useRecentlyPlayed(user !== null);
  const forYou = useRecommendations(user !== null);
  return (
    <>
      <div className="page-header">
        <div>
          <h1 suppressHydrationWarning>{user ? `${greeting()}, ${user.displayName}` : 'Tonearm'}</h1>
          <p className="meta">Your music, streamed from your own server.</p>
        </div>
      </div>

      {user && recent.data && recent.data.length > 0 && (
        <section className="section" aria-labelledby="recent-heading">
          <div className="section-head">
            <h2 id="recent-heading">Recently played</h2>
          </div>
          <TrackList
            tracks={recent.data.slice(0, 5)}
            label="Recently played"
            numbered={false}
            testId="recently-played"
          />
        </section>
      )}

      {user && forYou.data && forYou.data.length > 0 && (
        <section className="section" aria-labelledby="foryou-heading">
          <div className="section-head">
            <h2 id="foryou-heading">Recommended for you</h2>
            <PlayAllButton tracks={forYou.data} />
          </div>
          <TrackList
            tracks={forYou.data.slice(0, 10)}
            label="Recommended for you"
            numbered={false}
            testId="recommended"
          />
        </section>
      )}

      <section className="section" aria-labelledby="top-songs">
        <div className="section-head">
          <div>
            <h2 id="top-songs">Top songs</h2>
            <p>Most played on this server</p>
          </div>
          {top.data && top.data.length > 0 && <PlayAllButton tracks={top.data} label="Play all" />}
        </div>
        <LoadStatus state={top} what="top songs" />
        {top.data && top.data.length === 0 && (
          <p className="notice">No songs yet. Upload some music to get started.</p>
        )}
        {top.data && top.data.length > 0 && (
          <TrackList tracks={top.data} label="Top songs" testId="top-songs" />
        )}
      </section>
    </>
  );
}
