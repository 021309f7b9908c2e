// What a file's tags say, mapped from music-metadata's common tags to Tonearm's fields, with the
// fallbacks a real library needs (no title: the file name; no album: the folder; no artist: "Unknown
// Artist"). Pure and browser-safe: the upload page runs the same mapping on files before they leave
// the browser, so a browser upload and `pnpm import` agree on what a file is.
import type { IAudioMetadata } from 'music-metadata';

export const UNKNOWN_ARTIST = 'Unknown Artist';
export const VARIOUS_ARTISTS = 'Various Artists';

export type ReplayGain = {
  trackGainDb: number | null;
  trackPeak: number | null;
  albumGainDb: number | null;
  albumPeak: number | null;
};

export type EmbeddedPicture = { mime: string; data: Uint8Array };

export type TrackTags = {
  title: string;
  /** Every credited track artist, in tag order; never empty. */
  artists: string[];
  /** The album artist as tagged (null when the tag is absent). */
  albumArtist: string | null;
  album: string;
  /** True when the album title came from the folder, not from a tag. */
  albumFromFolder: boolean;
  trackNumber: number | null;
  trackTotal: number | null;
  discNumber: number;
  discTotal: number | null;
  year: number | null;
  genres: string[];
  compilation: boolean;
  mbRecordingId: string | null;
  mbReleaseId: string | null;
  mbArtistIds: string[];
  mbAlbumArtistIds: string[];
  replayGain: ReplayGain;
  lyrics: string | null;
  picture: EmbeddedPicture | null;
};

const clean = (s: unknown, max = 200): string | null => {
  if (typeof s !== 'string') return null;
  // Stray NULs and control bytes in tags become spaces.
  const t = [...s]
    .map((ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? ' ' : ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return t ? t.slice(0, max) : null;
};

const uuid = (s: unknown): string | null => {
  const t = clean(s, 64)?.toLowerCase() ?? null;
  return t && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t) ? t : null;
};

const posInt = (n: unknown, max: number): number | null =>
  typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max ? n : null;

const finite = (n: unknown): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** "03 - Some_Song.flac" → "Some Song": the name a person would give the file. */
export function titleFromFileName(fileName: string): string {
  const stem = fileName.replace(/\.[^./\\]{1,5}$/, '');
  const spaced = stem.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
  const noNumber = spaced.replace(/^(\d{1,3})\s*[-.)]\s*/, '').trim();
  return (noNumber || spaced || stem || 'Untitled').slice(0, 200);
}

/** A folder name as an album title ("Abbey_Road" → "Abbey Road"); null for nothing useful. */
export function albumFromFolderName(folder: string | null | undefined): string | null {
  if (!folder) return null;
  const t = folder.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return t && t !== '.' && t !== '/' ? t.slice(0, 200) : null;
}

/** Splits "A feat. B" style credits only through the artists list music-metadata already gives. */
function artistList(c: IAudioMetadata['common']): string[] {
  const many = (c.artists ?? []).map((a) => clean(a)).filter((a): a is string => !!a);
  const one = clean(c.artist);
  const list = many.length ? many : one ? [one] : [];
  return [...new Set(list)];
}

function lyricsOf(c: IAudioMetadata['common']): string | null {
  for (const l of c.lyrics ?? []) {
    const text =
      typeof l === 'string'
        ? (l as string)
        : (l.text ?? l.syncText?.map((s: { text: string }) => s.text).join('\n') ?? null);
    const t = typeof text === 'string' ? text.trim() : '';
    if (t) return t.slice(0, 20_000);
  }
  return null;
}

function pictureOf(c: IAudioMetadata['common']): EmbeddedPicture | null {
  const pics = c.picture ?? [];
  const front = pics.find((p) => /front/i.test(p.type ?? '')) ?? pics[0];
  if (!front?.data?.length) return null;
  const mime = (front.format ?? '').toLowerCase();
  return { mime: mime.startsWith('image/') ? mime : `image/${mime || 'jpeg'}`, data: front.data };
}

/** Maps parsed metadata to TrackTags; `fileName` and `folderName` feed the fallbacks. */
export function mapTags(meta: IAudioMetadata, fileName: string, folderName: string | null): TrackTags {
  const c = meta.common;
  const artists = artistList(c);
  const albumTag = clean(c.album);
  const folderAlbum = albumFromFolderName(folderName);
  const year = posInt(c.year, 3000) ?? (c.date ? posInt(Number(/^(\d{4})/.exec(c.date)?.[1]), 3000) : null);
  return {
    title: clean(c.title) ?? titleFromFileName(fileName),
    artists: artists.length ? artists : [clean(c.albumartist) ?? UNKNOWN_ARTIST],
    albumArtist: clean(c.albumartist),
    album: albumTag ?? folderAlbum ?? 'Unknown Album',
    albumFromFolder: !albumTag,
    trackNumber: posInt(c.track?.no, 999),
    trackTotal: posInt(c.track?.of, 999),
    discNumber: posInt(c.disk?.no, 99) ?? 1,
    discTotal: posInt(c.disk?.of, 99),
    year: year && year >= 1800 ? year : null,
    genres: [...new Set((c.genre ?? []).map((g) => clean(g, 80)).filter((g): g is string => !!g))].slice(
      0,
      10,
    ),
    compilation: c.compilation === true,
    mbRecordingId: uuid(c.musicbrainz_recordingid),
    mbReleaseId: uuid(c.musicbrainz_albumid),
    mbArtistIds: (c.musicbrainz_artistid ?? []).map(uuid).filter((u): u is string => !!u),
    mbAlbumArtistIds: (c.musicbrainz_albumartistid ?? []).map(uuid).filter((u): u is string => !!u),
    replayGain: {
      trackGainDb: finite(c.replaygain_track_gain?.dB),
      trackPeak: finite(c.replaygain_track_peak?.ratio),
      albumGainDb: finite(c.replaygain_album_gain?.dB),
      albumPeak: finite(c.replaygain_album_peak?.ratio),
    },
    lyrics: lyricsOf(c),
    picture: pictureOf(c),
  };
}

/**
 * The key artists are matched by: case, diacritics, punctuation spacing and a leading "The" do not make
 * a second artist ("The Beatles", "beatles", "Beatles" are one).
 */
export function nameKey(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded.replace(/^the\s+/, '').replace(/\s+/g, ' ') || folded || name.toLowerCase();
}

/** The album artist a track files under: its tag, else "Various Artists" for a compilation, else its first artist. */
export function albumArtistOf(t: Pick<TrackTags, 'albumArtist' | 'compilation' | 'artists'>): string {
  return t.albumArtist ?? (t.compilation ? VARIOUS_ARTISTS : (t.artists[0] ?? UNKNOWN_ARTIST));
}

/** Albums group by MusicBrainz release id, else by album artist and title (both folded). */
export function albumGroupKey(
  t: Pick<TrackTags, 'mbReleaseId' | 'albumArtist' | 'compilation' | 'artists' | 'album'>,
): string {
  if (t.mbReleaseId) return `mb:${t.mbReleaseId}`;
  return `n:${nameKey(albumArtistOf(t))}|${nameKey(t.album)}`;
}

/**
 * Tracks of one folder that share an album title belong together even where some lack the album
 * artist or the release id the others carry (a real library's mess): the missing values are filled
 * from the folder's most common ones before grouping. Pure, so `pnpm import` (folders on the host) and
 * the upload page (a dropped folder's relative paths) group the same way. Mutates the tags.
 */
export function harmoniseAlbumGroups(tracks: { folder: string; tags: TrackTags }[]): void {
  const groups = new Map<string, TrackTags[]>();
  for (const t of tracks) {
    if (t.tags.albumFromFolder) continue;
    const k = `${t.folder}\u0000${nameKey(t.tags.album)}`;
    groups.set(k, [...(groups.get(k) ?? []), t.tags]);
  }
  const mostCommon = (vals: (string | null)[]) => {
    const counts = new Map<string, number>();
    for (const v of vals) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  };
  for (const tags of groups.values()) {
    if (tags.length < 2) continue;
    const aa = mostCommon(tags.map((t) => t.albumArtist));
    const mb = mostCommon(tags.map((t) => t.mbReleaseId));
    const comp = tags.filter((t) => t.compilation).length * 2 > tags.length;
    for (const t of tags) {
      if (!t.albumArtist && aa) t.albumArtist = aa;
      if (!t.mbReleaseId && mb) t.mbReleaseId = mb;
      if (!t.compilation && comp) t.compilation = true;
    }
  }
}
