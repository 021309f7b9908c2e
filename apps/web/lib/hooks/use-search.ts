// Search-as-you-type over songs, artists and albums (search.catalog), grouped, with the matched
// spans for highlighting. The previous results stay on screen while the next ones load.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import type {
  Highlight,
  SearchAlbumHit,
  SearchArtistHit,
  SearchGroup,
  SearchResults,
  SearchSongHit,
} from '../types';
import { fromQuery, type Loadable } from './feature';

const spans = (xs: [number, number][]): Highlight[] => xs.map(([start, end]) => ({ start, end }));

export function useSearch(query: string): Loadable<SearchResults> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.search.catalog.queryOptions({ q: query, limit: 10 }),
      enabled: query.length > 0,
      placeholderData: keepPreviousData,
      select: (r): SearchResults => {
        const song = (s: (typeof r.songs)[number]): SearchSongHit => ({
          track: {
            id: s.id,
            title: s.title,
            artistId: s.artistId,
            artistName: s.artistName,
            albumId: s.albumId,
            albumTitle: s.albumTitle,
            // Search results carry no duration or media status; the song page has both.
            durationSec: 0,
            status: 'ready',
          },
          highlights: spans(s.highlights.title),
        });
        const artist = (a: (typeof r.artists)[number]): SearchArtistHit => ({
          id: a.id,
          name: a.name,
          highlights: spans(a.highlights.name),
        });
        const album = (a: (typeof r.albums)[number]): SearchAlbumHit => ({
          id: a.id,
          title: a.title,
          artistName: a.artistName,
          highlights: spans(a.highlights.title),
        });
        const t = r.top;
        const top: SearchResults['top'] = !t
          ? null
          : t.kind === 'song'
            ? { kind: 'song', hit: song(t.hit) }
            : t.kind === 'artist'
              ? { kind: 'artist', hit: artist(t.hit) }
              : { kind: 'album', hit: album(t.hit) };
        const fallback: SearchGroup[] = ['artist', 'song', 'album'];
        const c = r.closest;
        return {
          songs: r.songs.map(song),
          artists: r.artists.map(artist),
          albums: r.albums.map(album),
          top,
          order: r.order ?? fallback,
          closest: c
            ? {
                songs: c.songs.map(song),
                artists: c.artists.map(artist),
                albums: c.albums.map(album),
                order: c.order,
              }
            : null,
        };
      },
    }),
  );
}
