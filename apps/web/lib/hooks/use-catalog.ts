// Catalog reads for pages: songs (on the router), albums, artists, "More like this" and the home
// page's personal shelves (wired as their procedures land: issues 3, 4 and 6).
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { type AlbumView, type ArtistView, type Song, type Track, toTrack } from '../types';
import { fromQuery, type Loadable, unavailable } from './feature';

export function useTopSongs(limit = 20): Loadable<Track[]> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({ ...trpc.song.top.queryOptions({ limit }), select: (songs) => songs.map(toTrack) }),
  );
}

export function useSong(id: string): Loadable<Song> {
  const trpc = useTRPC();
  return fromQuery(useQuery(trpc.song.byId.queryOptions({ id })));
}

export function useAlbum(_id: string): Loadable<AlbumView> {
  return unavailable('Album pages');
}

export function useArtist(_id: string): Loadable<ArtistView> {
  return unavailable('Artist pages');
}

export function useMoreLikeThis(_songId: string): Loadable<Track[]> {
  return unavailable('“More like this”');
}

/** The signed-in person's recent plays, newest first. */
export function useRecentlyPlayed(_enabled: boolean): Loadable<Track[]> {
  return unavailable('Recently played');
}

/** Recommendations for the signed-in person. */
export function useRecommendations(_enabled: boolean): Loadable<Track[]> {
  return unavailable('Recommendations');
}
