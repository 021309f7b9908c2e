// The Subsonic catalog, in the shapes of the OpenSubsonic schemas (Child, AlbumID3, ArtistID3...):
// only songs whose media is 'ready' are listed, and albums and artists only through such songs, so a
// client never shows something it cannot play. Ids are Tonearm's ObjectId strings (stable); the one
// music folder is id 1.
// Size: About 475 lines: one mapper per OpenSubsonic browse endpoint, each short, sharing the
// ready-only filters at the top.
import {
  Album,
  type AlbumDoc,
  Artist,
  type ArtistDoc,
  Like,
  Rating,
  Song,
  type SongDoc,
  Star,
  Types,
} from '@tonearm/db';
import { trusted } from 'mongoose';
import { albumFields, artistFields, songFields } from './fields';

export const READY = { 'media.status': 'ready' } as const;
export const MUSIC_FOLDER = { id: 1, name: 'Music' } as const;
/** Songs of a genre: `genre`, and `genres` once the library-import fields exist on the schema. */
export function genreFilter(genre: string): Json {
  return Song.schema.path('genres') ? { $or: [{ genre }, { genres: genre }] } : { genre };
}
export const isObjectId = (s: string) => /^[0-9a-f]{24}$/i.test(s);

type Json = Record<string, unknown>;
const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : new Date(0).toISOString());
const prune = <T extends Json>(o: T): T => {
  for (const k of Object.keys(o)) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
};

/** The user's stars and ratings over a set of ids, to decorate what is returned. */
export type UserMarks = { starred: Map<string, Date>; ratings: Map<string, number> };

export async function marksFor(userId: string, ids: string[]): Promise<UserMarks> {
  const oids = [...new Set(ids)].filter(isObjectId).map((i) => new Types.ObjectId(i));
  const starred = new Map<string, Date>();
  const ratings = new Map<string, number>();
  if (!oids.length) return { starred, ratings };
  const [likes, stars, rs] = await Promise.all([
    Like.find({ userId, songId: trusted({ $in: oids }) }, { songId: 1, createdAt: 1 }).lean(),
    Star.find({ userId, refId: trusted({ $in: oids }) }, { refId: 1, createdAt: 1 }).lean(),
    Rating.find({ userId, refId: trusted({ $in: oids }) }, { refId: 1, rating: 1 }).lean(),
  ]);
  for (const l of likes) starred.set(String(l.songId), l.createdAt ?? new Date());
  for (const s of stars) starred.set(String(s.refId), s.createdAt ?? new Date());
  for (const r of rs) ratings.set(String(r.refId), r.rating);
  return { starred, ratings };
}

const NO_MARKS: UserMarks = { starred: new Map(), ratings: new Map() };

export const coverIdOfAlbum = (albumId: string) => `al-${albumId}`;
export const coverIdOfArtist = (artistId: string) => `ar-${artistId}`;

/** The size and type of what `stream` serves by default (the top rung), for clients that show it. */
function streamInfo(s: SongDoc) {
  const r = [...(s.media?.renditions ?? [])].sort((a, b) => b.bitrateKbps - a.bitrateKbps)[0];
  const kbps = r?.bitrateKbps ?? 0;
  return {
    bitRate: kbps || undefined,
    size: kbps ? Math.round(((s.durationSec ?? 0) * kbps * 1000) / 8) : undefined,
  };
}

export function toChild(s: SongDoc, marks: UserMarks = NO_MARKS, albumCovers?: Set<string>): Json {
  const f = songFields(s);
  const id = String(s._id);
  const albumId = s.albumId ? String(s.albumId) : null;
  const info = streamInfo(s);
  return prune({
    id,
    parent: albumId ?? String(s.artistId),
    isDir: false,
    title: s.title,
    album: s.albumTitle ?? undefined,
    artist: s.artistName,
    track: s.trackNumber ?? undefined,
    year: f.year ?? undefined,
    genre: f.genres[0] ?? undefined,
    coverArt: albumId && (!albumCovers || albumCovers.has(albumId)) ? coverIdOfAlbum(albumId) : undefined,
    size: info.size,
    contentType: 'audio/mp4',
    suffix: 'm4a',
    duration: Math.round(s.durationSec ?? 0),
    bitRate: info.bitRate,
    samplingRate: s.media?.sampleRate ?? undefined,
    path: `${s.artistName}/${s.albumTitle ?? 'Singles'}/${s.title}.m4a`.replace(/[\\:*?"<>|]/g, '_'),
    isVideo: false,
    playCount: s.playCount ?? 0,
    discNumber: s.discNumber ?? undefined,
    created: iso((s as { createdAt?: Date }).createdAt),
    albumId: albumId ?? undefined,
    artistId: String(s.artistId),
    type: 'music',
    mediaType: 'song',
    starred: marks.starred.has(id) ? iso(marks.starred.get(id)) : undefined,
    userRating: marks.ratings.get(id),
    musicBrainzId: f.mbRecordingId ?? undefined,
    genres: f.genres.map((name) => ({ name })),
    artists: [{ id: String(s.artistId), name: s.artistName }],
    displayArtist: s.artistName,
    replayGain: f.replayGain ?? undefined,
  });
}

export type AlbumStats = { songCount: number; duration: number; created: Date; playCount: number };

export function toAlbumID3(a: AlbumDoc, st: AlbumStats, marks: UserMarks = NO_MARKS): Json {
  const f = albumFields(a);
  const id = String(a._id);
  return prune({
    id,
    name: a.title,
    artist: f.albumArtist ?? a.artistName,
    artistId: String(a.artistId),
    coverArt: a.coverKey ? coverIdOfAlbum(id) : undefined,
    songCount: st.songCount,
    duration: Math.round(st.duration),
    playCount: a.playCount ?? st.playCount,
    created: iso(st.created),
    starred: marks.starred.has(id) ? iso(marks.starred.get(id)) : undefined,
    year: f.year ?? undefined,
    genre: f.genre ?? undefined,
    userRating: marks.ratings.get(id),
    musicBrainzId: f.mbReleaseId ?? undefined,
    genres: f.genre ? [{ name: f.genre }] : [],
    artists: [{ id: String(a.artistId), name: a.artistName }],
    displayArtist: f.albumArtist ?? a.artistName,
    isCompilation: f.compilation,
    sortName: a.title.toLowerCase(),
  });
}

export function toArtistID3(a: ArtistDoc, albumCount: number, marks: UserMarks = NO_MARKS): Json {
  const id = String(a._id);
  return prune({
    id,
    name: a.name,
    coverArt: a.imageKey ? coverIdOfArtist(id) : undefined,
    albumCount,
    starred: marks.starred.has(id) ? iso(marks.starred.get(id)) : undefined,
    musicBrainzId: artistFields(a).mbArtistId ?? undefined,
    sortName: a.name.toLowerCase(),
  });
}

type SongSlim = {
  _id: Types.ObjectId;
  albumId: Types.ObjectId | null;
  artistId: Types.ObjectId;
  durationSec?: number;
  createdAt?: Date;
  playCount?: number;
};

/** Per-album figures over ready songs (songCount, duration, created = first song added). */
export async function albumStats(filter: Json = {}): Promise<Map<string, AlbumStats>> {
  const rows = await Song.find(
    { ...READY, albumId: trusted({ $ne: null }), ...filter },
    { albumId: 1, durationSec: 1, createdAt: 1, playCount: 1 },
  ).lean<SongSlim[]>();
  const out = new Map<string, AlbumStats>();
  for (const r of rows) {
    const k = String(r.albumId);
    const st = out.get(k) ?? { songCount: 0, duration: 0, created: r.createdAt ?? new Date(), playCount: 0 };
    st.songCount++;
    st.duration += r.durationSec ?? 0;
    st.playCount += r.playCount ?? 0;
    if (r.createdAt && r.createdAt < st.created) st.created = r.createdAt;
    out.set(k, st);
  }
  return out;
}

/** Artists with at least one ready song, and how many of their albums have one. */
export async function artistAlbumCounts(artistIds?: string[]): Promise<Map<string, number>> {
  const filter = artistIds
    ? { ...READY, artistId: trusted({ $in: artistIds.filter(isObjectId).map((i) => new Types.ObjectId(i)) }) }
    : READY;
  const rows = await Song.find(filter, { artistId: 1, albumId: 1 }).lean<SongSlim[]>();
  const albums = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = String(r.artistId);
    const set = albums.get(k) ?? new Set<string>();
    if (r.albumId) set.add(String(r.albumId));
    albums.set(k, set);
  }
  return new Map([...albums].map(([k, v]) => [k, v.size]));
}

export function indexLetter(name: string): string {
  const c = name
    .replace(/^(the|a|an)\s+/i, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .charAt(0)
    .toUpperCase();
  return /[A-Z]/.test(c) ? c : '#';
}

export async function getArtists(userId: string) {
  const counts = await artistAlbumCounts();
  const ids = [...counts.keys()].map((i) => new Types.ObjectId(i));
  const artists = await Artist.find({ _id: trusted({ $in: ids }) }).lean<ArtistDoc[]>();
  const marks = await marksFor(userId, [...counts.keys()]);
  artists.sort((a, b) => a.name.localeCompare(b.name));
  const byLetter = new Map<string, Json[]>();
  for (const a of artists) {
    const l = indexLetter(a.name);
    byLetter.set(l, [...(byLetter.get(l) ?? []), toArtistID3(a, counts.get(String(a._id)) ?? 0, marks)]);
  }
  return {
    ignoredArticles: 'The A An',
    index: [...byLetter].sort(([a], [b]) => a.localeCompare(b)).map(([name, artist]) => ({ name, artist })),
  };
}

export async function readyAlbumsOf(userId: string, albumIds: string[], stats?: Map<string, AlbumStats>) {
  const st =
    stats ??
    (await albumStats({
      albumId: trusted({ $in: albumIds.filter(isObjectId).map((i) => new Types.ObjectId(i)) }),
    }));
  const docs = await Album.find({
    _id: trusted({ $in: albumIds.filter((i) => st.has(i)).map((i) => new Types.ObjectId(i)) }),
  }).lean<AlbumDoc[]>();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const marks = await marksFor(userId, albumIds);
  return albumIds.flatMap((id) => {
    const d = byId.get(id);
    const s = st.get(id);
    return d && s ? [toAlbumID3(d, s, marks)] : [];
  });
}

export async function getArtist(userId: string, id: string): Promise<Json | null> {
  if (!isObjectId(id)) return null;
  const artist = await Artist.findById(id).lean<ArtistDoc>();
  if (!artist) return null;
  const stats = await albumStats({ artistId: artist._id });
  const albumDocs = await Album.find({
    _id: trusted({ $in: [...stats.keys()].map((i) => new Types.ObjectId(i)) }),
  })
    .sort({ year: -1, title: 1 })
    .lean<AlbumDoc[]>();
  const marks = await marksFor(userId, [id, ...stats.keys()]);
  return {
    ...toArtistID3(artist, albumDocs.length, marks),
    album: albumDocs.map((a) => toAlbumID3(a, stats.get(String(a._id)) as AlbumStats, marks)),
  };
}

async function coversOf(albumIds: (string | null)[]): Promise<Set<string>> {
  const ids = [...new Set(albumIds.filter((i): i is string => !!i))].map((i) => new Types.ObjectId(i));
  const rows = await Album.find(
    { _id: trusted({ $in: ids }), coverKey: trusted({ $ne: null }) },
    { _id: 1 },
  ).lean();
  return new Set(rows.map((r) => String(r._id)));
}

/** Children for a list of songs, with the user's marks and cover ids. */
export async function childrenOf(userId: string, songs: SongDoc[]): Promise<Json[]> {
  const [marks, covers] = await Promise.all([
    marksFor(
      userId,
      songs.map((s) => String(s._id)),
    ),
    coversOf(songs.map((s) => (s.albumId ? String(s.albumId) : null))),
  ]);
  return songs.map((s) => toChild(s, marks, covers));
}

export async function getAlbum(userId: string, id: string): Promise<Json | null> {
  if (!isObjectId(id)) return null;
  const album = await Album.findById(id).lean<AlbumDoc>();
  if (!album) return null;
  const songs = await Song.find({ ...READY, albumId: album._id })
    .sort({ discNumber: 1, trackNumber: 1, _id: 1 })
    .lean<SongDoc[]>();
  if (!songs.length) return null;
  const marks = await marksFor(userId, [id]);
  const st: AlbumStats = {
    songCount: songs.length,
    duration: songs.reduce((t, s) => t + (s.durationSec ?? 0), 0),
    created: songs.reduce((m, s) => {
      const c = (s as { createdAt?: Date }).createdAt;
      return c && c < m ? c : m;
    }, new Date()),
    playCount: 0,
  };
  return { ...toAlbumID3(album, st, marks), song: await childrenOf(userId, songs) };
}

export async function getSong(userId: string, id: string): Promise<Json | null> {
  if (!isObjectId(id)) return null;
  const s = await Song.findOne({ _id: id, ...READY }).lean<SongDoc>();
  return s ? ((await childrenOf(userId, [s]))[0] ?? null) : null;
}

export const ALBUM_LIST_TYPES = [
  'random',
  'newest',
  'highest',
  'frequent',
  'recent',
  'alphabeticalByName',
  'alphabeticalByArtist',
  'starred',
  'byYear',
  'byGenre',
] as const;
export type AlbumListType = (typeof ALBUM_LIST_TYPES)[number];

export type AlbumListArgs = {
  type: AlbumListType;
  size: number;
  offset: number;
  fromYear?: number;
  toYear?: number;
  genre?: string;
};

export async function getAlbumList2(userId: string, a: AlbumListArgs): Promise<Json[]> {
  const stats = await albumStats();
  const ids = [...stats.keys()].map((i) => new Types.ObjectId(i));
  const filter: Json = { _id: trusted({ $in: ids }) };
  if (a.type === 'byYear') {
    const lo = Math.min(a.fromYear ?? 0, a.toYear ?? 9999);
    const hi = Math.max(a.fromYear ?? 0, a.toYear ?? 9999);
    filter.year = trusted({ $gte: lo, $lte: hi });
  }
  if (a.type === 'byGenre') filter.genre = a.genre ?? '';
  let docs = await Album.find(filter).lean<AlbumDoc[]>();
  const created = (d: AlbumDoc) => stats.get(String(d._id))?.created.getTime() ?? 0;
  const byName = (x: AlbumDoc, y: AlbumDoc) =>
    x.title.localeCompare(y.title) || String(x._id).localeCompare(String(y._id));
  switch (a.type) {
    case 'random':
      for (let i = docs.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [docs[i], docs[j]] = [docs[j] as AlbumDoc, docs[i] as AlbumDoc];
      }
      break;
    case 'newest':
      docs.sort((x, y) => created(y) - created(x) || byName(x, y));
      break;
    case 'frequent':
      docs.sort((x, y) => (y.playCount ?? 0) - (x.playCount ?? 0) || byName(x, y));
      break;
    case 'alphabeticalByName':
      docs.sort(byName);
      break;
    case 'alphabeticalByArtist':
      docs.sort((x, y) => x.artistName.localeCompare(y.artistName) || byName(x, y));
      break;
    case 'byYear': {
      const desc = (a.fromYear ?? 0) > (a.toYear ?? 9999);
      docs.sort(
        (x, y) => (desc ? (y.year ?? 0) - (x.year ?? 0) : (x.year ?? 0) - (y.year ?? 0)) || byName(x, y),
      );
      break;
    }
    case 'byGenre':
      docs.sort(byName);
      break;
    case 'starred': {
      const stars = await Star.find({ userId, kind: 'album' }).sort({ createdAt: -1 }).lean();
      const order = new Map(stars.map((s, i) => [String(s.refId), i]));
      docs = docs.filter((d) => order.has(String(d._id)));
      docs.sort((x, y) => (order.get(String(x._id)) ?? 0) - (order.get(String(y._id)) ?? 0));
      break;
    }
    case 'highest': {
      const rs = await Rating.find({ userId, kind: 'album' }).lean();
      const r = new Map(rs.map((x) => [String(x.refId), x.rating]));
      docs = docs.filter((d) => r.has(String(d._id)));
      docs.sort((x, y) => (r.get(String(y._id)) ?? 0) - (r.get(String(x._id)) ?? 0) || byName(x, y));
      break;
    }
    case 'recent': {
      const { PlayEvent } = await import('@tonearm/db');
      const plays = await PlayEvent.find({ userId }, { songId: 1, startedAt: 1 })
        .sort({ startedAt: -1 })
        .limit(2000)
        .lean();
      const songs = await Song.find(
        { _id: trusted({ $in: plays.map((p) => p.songId) }) },
        { albumId: 1 },
      ).lean<SongSlim[]>();
      const albumOf = new Map(songs.map((s) => [String(s._id), s.albumId ? String(s.albumId) : null]));
      const order = new Map<string, number>();
      for (const p of plays) {
        const al = albumOf.get(String(p.songId));
        if (al && !order.has(al)) order.set(al, order.size);
      }
      docs = docs.filter((d) => order.has(String(d._id)));
      docs.sort((x, y) => (order.get(String(x._id)) ?? 0) - (order.get(String(y._id)) ?? 0));
      break;
    }
  }
  const page = docs.slice(a.offset, a.offset + a.size);
  const marks = await marksFor(
    userId,
    page.map((d) => String(d._id)),
  );
  return page.map((d) => toAlbumID3(d, stats.get(String(d._id)) as AlbumStats, marks));
}

export async function getGenres(): Promise<Json[]> {
  const songs = await Song.find(READY, { genre: 1, genres: 1, albumId: 1 }).lean<SongDoc[]>();
  const g = new Map<string, { songs: number; albums: Set<string> }>();
  for (const s of songs) {
    for (const name of songFields(s).genres) {
      const e = g.get(name) ?? { songs: 0, albums: new Set<string>() };
      e.songs++;
      if (s.albumId) e.albums.add(String(s.albumId));
      g.set(name, e);
    }
  }
  return [...g]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([value, e]) => ({ value, songCount: e.songs, albumCount: e.albums.size }));
}

export async function getSongsByGenre(userId: string, genre: string, count: number, offset: number) {
  const songs = await Song.find({ ...READY, ...genreFilter(genre) })
    .sort({ _id: 1 })
    .skip(offset)
    .limit(count)
    .lean<SongDoc[]>();
  return childrenOf(userId, songs);
}

export async function getRandomSongs(
  userId: string,
  a: { size: number; genre?: string; fromYear?: number; toYear?: number },
) {
  const filter: Json = { ...READY };
  if (a.genre) Object.assign(filter, genreFilter(a.genre));
  let ids = await Song.find(filter, { _id: 1, year: 1, albumId: 1 }).lean<(SongSlim & { year?: number })[]>();
  if (a.fromYear !== undefined || a.toYear !== undefined) {
    const years = new Map(
      (await Album.find({}, { year: 1 }).lean()).map((x) => [String(x._id), x.year ?? null]),
    );
    ids = ids.filter((s) => {
      const y = s.year ?? (s.albumId ? years.get(String(s.albumId)) : null) ?? null;
      return y !== null && y >= (a.fromYear ?? 0) && y <= (a.toYear ?? 9999);
    });
  }
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [ids[i], ids[j]] = [ids[j] as SongSlim, ids[i] as SongSlim];
  }
  const pick = ids.slice(0, a.size).map((s) => s._id);
  const songs = await Song.find({ _id: trusted({ $in: pick }) }).lean<SongDoc[]>();
  const order = new Map(pick.map((id, i) => [String(id), i]));
  songs.sort((x, y) => (order.get(String(x._id)) ?? 0) - (order.get(String(y._id)) ?? 0));
  return childrenOf(userId, songs);
}

/** Songs by id in the given order, ready ones only. */
export async function readySongsByIds(ids: string[]): Promise<SongDoc[]> {
  const valid = ids.filter(isObjectId);
  const docs = await Song.find({ _id: trusted({ $in: valid }), ...READY }).lean<SongDoc[]>();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  return valid.flatMap((i) => {
    const d = byId.get(i);
    return d ? [d] : [];
  });
}
