// Catalog reads for pages: songs, albums, artists, "More like this" and the home page's personal
// shelves.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { type AlbumView, type ArtistView, type Song, type Track, toTrack } from '../types';
import { fromQuery, type Loadable } from './feature';

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

/** Combines several loadables into one: pending while any is, failed if any failed. */
function all<T>(parts: Loadable<unknown>[], build: () => T): Loadable<T> {
  const error = parts.find((p) => p.error)?.error ?? null;
  const isPending = parts.some((p) => p.isPending);
  const ready = !error && parts.every((p) => p.data !== undefined);
  return { data: ready ? build() : undefined, error, isPending };
}

/** Albums hold far fewer songs than this; one page is the whole album. */
const ALBUM_PAGE = 100;

export function useAlbum(id: string): Loadable<AlbumView> {
  const trpc = useTRPC();
  const album = fromQuery(useQuery(trpc.album.byId.queryOptions({ id })));
  const songs = fromQuery(useQuery(trpc.song.byAlbum.queryOptions({ albumId: id, limit: ALBUM_PAGE })));
  return all([album, songs], () => ({
    id: album.data!.id,
    title: album.data!.title,
    artistId: album.data!.artistId,
    artistName: album.data!.artistName,
    year: album.data!.year,
    genre: album.data!.genre,
    coverKey: album.data!.coverKey ?? null,
    tracks: songs.data!.items.map(toTrack),
  }));
}

export function useArtist(id: string): Loadable<ArtistView> {
  const trpc = useTRPC();
  const artist = fromQuery(useQuery(trpc.artist.byId.queryOptions({ id })));
  const songs = fromQuery(useQuery(trpc.song.byArtist.queryOptions({ artistId: id, limit: 10 })));
  const albums = fromQuery(useQuery(trpc.album.byArtist.queryOptions({ artistId: id, limit: 50 })));
  return all([artist, songs, albums], () => ({
    id: artist.data!.id,
    name: artist.data!.name,
    genres: artist.data!.genres,
    bio: artist.data!.bio,
    topTracks: songs.data!.items.map(toTrack),
    albums: albums.data!.items.map((a) => ({
      id: a.id,
      title: a.title,
      year: a.year,
      coverKey: a.coverKey ?? null,
    })),
  }));
}

export function useMoreLikeThis(songId: string): Loadable<Track[]> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.discovery.moreLikeThis.queryOptions({ songId, limit: 10 }),
      select: (songs) => songs.map(toTrack),
    }),
  );
}

/** The signed-in person's recent plays, newest first (refreshed when the player reports a play). */
export function useRecentlyPlayed(enabled: boolean): Loadable<Track[]> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.play.recent.queryOptions({ limit: 10 }),
      enabled,
      select: (plays) => plays.map((p) => toTrack(p.song)),
    }),
  );
}

/** "Recommended for you": more like what the signed-in person played lately. */
export function useRecommendations(enabled: boolean): Loadable<Track[]> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.discovery.forYou.queryOptions({ limit: 10 }),
      enabled,
      select: (songs) => songs.map(toTrack),
    }),
  );
}
