// A generated catalog as embedded-index entries (ready songs only), shared by the search tests.
import type { Catalog } from '@tonearm/db';
import type { IndexEntry } from '../src/search';

export function entriesOf(cat: Catalog): IndexEntry[] {
  return [
    ...cat.artists.map(
      (a): IndexEntry => ({ kind: 'artist', id: String(a._id), name: a.name, playCount: a.playCount }),
    ),
    ...cat.albums.map(
      (a): IndexEntry => ({
        kind: 'album',
        id: String(a._id),
        title: a.title,
        artistId: String(a.artistId),
        artistName: a.artistName,
        playCount: a.playCount,
      }),
    ),
    ...cat.songs
      .filter((s) => s.media.status === 'ready')
      .map(
        (s): IndexEntry => ({
          kind: 'song',
          id: String(s._id),
          title: s.title,
          artistId: String(s.artistId),
          artistName: s.artistName,
          albumId: String(s.albumId),
          albumTitle: s.albumTitle,
          playCount: s.playCount,
        }),
      ),
  ];
}
