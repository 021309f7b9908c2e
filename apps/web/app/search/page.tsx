'use client';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useDeferredValue, useEffect, useRef, useState } from 'react';
import { Cover } from '../../components/cover';
import { Highlighted } from '../../components/highlighted';
import { PlayIcon, SearchIcon } from '../../components/icons';
import { PeopleResults } from '../../components/people';
import { LoadStatus } from '../../components/status';
import { TrackList } from '../../components/track-list';
import { useSearch } from '../../lib/hooks/use-search';
import { usePlayer } from '../../lib/player/player-provider';
import { takeSearchFocus } from '../../lib/search-focus';
import type { SearchGroup, SearchResults } from '../../lib/types';
import { usePageTitle } from '../../lib/use-page-title';

/** Waits this long after the last keystroke before querying (search-as-you-type). */
const DEBOUNCE_MS = 150;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function SearchView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [text, setText] = useState(params.get('q') ?? '');
  const debounced = useDebounced(text.trim(), DEBOUNCE_MS);
  const query = useDeferredValue(debounced);
  const results = useSearch(query);
  usePageTitle(query ? `Search: ${query}` : 'Search');
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (takeSearchFocus()) inputRef.current?.focus();
  }, []);

  useEffect(() => {
    // Keep the query in the URL so results can be shared and survive back/forward.
    const url = debounced ? `${pathname}?q=${encodeURIComponent(debounced)}` : pathname;
    router.replace(url, { scroll: false });
  }, [debounced, pathname, router]);

  const r = results.data;
  const total = r ? r.songs.length + r.artists.length + r.albums.length : 0;
  const closest = total === 0 ? r?.closest : null;
  return (
    <>
      <div className="page-header">
        <h1>Search</h1>
      </div>
      <search className="search-box">
        <SearchIcon />
        <label htmlFor="search-input" className="visually-hidden">
          Search songs, artists, albums and people
        </label>
        <input
          ref={inputRef}
          id="search-input"
          type="search"
          className="input"
          placeholder="Songs, artists, albums, people"
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          aria-describedby="search-summary"
        />
      </search>
      <p id="search-summary" className="visually-hidden" aria-live="polite">
        {query && r
          ? closest
            ? `No exact match for ${query}; closest matches shown`
            : `${total} results for ${query}`
          : ''}
      </p>

      {!query && <p className="muted section">Type to search. Typos are fine: “bad bony” finds Bad Bunny.</p>}
      {query && (
        <div className="section">
          <LoadStatus state={results} what="results" />
        </div>
      )}
      {query && r && total === 0 && !r.closest && (
        <p className="notice section" data-testid="search-nothing">
          Nothing in the library matches “{query}”. Check the spelling, or try an artist, song or album name.
        </p>
      )}
      {query && closest && (
        <div data-testid="search-closest">
          <p className="notice section" data-testid="search-no-exact">
            No exact match for “{query}” — closest matches, each with some of the words you typed:
          </p>
          {closest.order.map((g) => (
            <Group key={g} group={g} r={closest} prefix="search-closest" />
          ))}
        </div>
      )}
      {query && r?.top && <TopResult top={r.top} />}
      {query && r?.order.map((g) => <Group key={g} group={g} r={r} />)}
      {query && <PeopleResults q={query} />}
    </>
  );
}

const KIND_LABEL: Record<SearchGroup, string> = { song: 'Song', artist: 'Artist', album: 'Album' };

/** The single best match of any kind, shown first and larger: what the person most likely meant. */
function TopResult({ top }: { top: NonNullable<SearchResults['top']> }) {
  const player = usePlayer();
  return (
    <section className="section" aria-labelledby="top-heading">
      <div className="section-head">
        <h2 id="top-heading">Top result</h2>
      </div>
      <div className="top-result" data-testid="search-top" data-kind={top.kind}>
        {top.kind === 'song' ? (
          <>
            <Cover id={top.hit.track.albumId ?? top.hit.track.id} size={96} />
            <div className="top-result-text">
              <span className="top-result-title">
                <Highlighted text={top.hit.track.title} spans={top.hit.highlights} />
              </span>
              <span className="card-sub">
                {KIND_LABEL.song} · {top.hit.track.artistName}
              </span>
            </div>
            <button
              type="button"
              className="btn btn-primary"
              aria-label={`Play ${top.hit.track.title} by ${top.hit.track.artistName}`}
              onClick={() => player.playTracks([top.hit.track], 0)}
            >
              <PlayIcon /> Play
            </button>
          </>
        ) : (
          <Link
            href={top.kind === 'artist' ? `/artist/${top.hit.id}` : `/album/${top.hit.id}`}
            className="top-result-link"
          >
            <Cover id={top.hit.id} size={96} round={top.kind === 'artist'} />
            <div className="top-result-text">
              <span className="top-result-title">
                {top.kind === 'artist' ? (
                  <Highlighted text={top.hit.name} spans={top.hit.highlights} />
                ) : (
                  <Highlighted text={top.hit.title} spans={top.hit.highlights} />
                )}
              </span>
              <span className="card-sub">
                {top.kind === 'artist' ? KIND_LABEL.artist : `${KIND_LABEL.album} · ${top.hit.artistName}`}
              </span>
            </div>
          </Link>
        )}
      </div>
    </section>
  );
}

/**
 * One group of results; the page lists groups in the order of their best score. `prefix` names its
 * test ids and headings (the closest matches use their own, so they are never read as results).
 */
function Group({
  group,
  r,
  prefix = 'search',
}: {
  group: SearchGroup;
  r: Pick<SearchResults, 'songs' | 'artists' | 'albums'>;
  prefix?: string;
}) {
  if (group === 'song' && r.songs.length > 0)
    return (
      <section className="section" aria-labelledby={`${prefix}-songs-heading`} data-group="song">
        <div className="section-head">
          <h2 id={`${prefix}-songs-heading`}>Songs</h2>
        </div>
        <TrackList
          tracks={r.songs.map((s) => s.track)}
          label="Songs"
          numbered={false}
          testId={`${prefix}-songs`}
          renderTitle={(t, i) => <Highlighted text={t.title} spans={r.songs[i]?.highlights ?? []} />}
        />
      </section>
    );
  if (group === 'artist' && r.artists.length > 0)
    return (
      <section className="section" aria-labelledby={`${prefix}-artists-heading`} data-group="artist">
        <div className="section-head">
          <h2 id={`${prefix}-artists-heading`}>Artists</h2>
        </div>
        <ul
          className="cards"
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
          data-testid={`${prefix}-artists`}
        >
          {r.artists.map((a) => (
            <li key={a.id}>
              <Link href={`/artist/${a.id}`} className="card">
                <Cover id={a.id} size={140} round />
                <span className="card-title">
                  <Highlighted text={a.name} spans={a.highlights} />
                </span>
                <span className="card-sub">Artist</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    );
  if (group === 'album' && r.albums.length > 0)
    return (
      <section className="section" aria-labelledby={`${prefix}-albums-heading`} data-group="album">
        <div className="section-head">
          <h2 id={`${prefix}-albums-heading`}>Albums</h2>
        </div>
        <ul
          className="cards"
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
          data-testid={`${prefix}-albums`}
        >
          {r.albums.map((a) => (
            <li key={a.id}>
              <Link href={`/album/${a.id}`} className="card">
                <Cover id={a.id} size={140} />
                <span className="card-title">
                  <Highlighted text={a.title} spans={a.highlights} />
                </span>
                <span className="card-sub">{a.artistName}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    );
  return null;
}

export default function SearchPage() {
  return (
    <Suspense fallback={<h1>Search</h1>}>
      <SearchView />
    </Suspense>
  );
}
