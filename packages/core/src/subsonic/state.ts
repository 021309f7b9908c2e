// Subsonic search, user state and discovery over Tonearm's own services: search3 through the search
// port (typo-tolerant), stars onto Like (songs) and Star (albums/artists), playlists through core's
// playlist service (revision-checked edits), the saved play queue, scrobbles into play events, and
// getSimilarSongs2 / getTopSongs from "More like this" and the charts.
// Size: About 430 lines: one adapter per OpenSubsonic state endpoint, each a few lines over core's
// services.
import {
  Album,
  type AlbumDoc,
  Artist,
  type ArtistDoc,
  Playlist,
  type PlaylistDoc,
  PlayQueue,
  Rating,
  Song,
  type SongDoc,
  Star,
  Types,
  User,
} from '@tonearm/db';
import { AppError } from '@tonearm/validators';
import { trusted } from 'mongoose';
import { PlaylistCache } from '../cache-keys';
import { topSongs } from '../catalog';
import type { CoreDeps } from '../deps';
import { likeSong, unlikeSong } from '../library';
import {
  addSongs,
  createPlaylist,
  deletePlaylist,
  removeEntry,
  setPlaylistVisibility,
  updatePlaylist,
} from '../playlists';
import { reportPlay } from '../plays';
import { moreLikeThis } from '../recommend';
import { MAX_SEARCH_LIMIT } from '../search/port';
import {
  albumStats,
  artistAlbumCounts,
  childrenOf,
  isObjectId,
  marksFor,
  READY,
  readyAlbumsOf,
  readySongsByIds,
  toArtistID3,
} from './browse';

type Json = Record<string, unknown>;
export type Paging = { count: number; offset: number };

export async function search3(
  deps: CoreDeps,
  userId: string,
  rawQuery: string,
  p: { artist: Paging; album: Paging; song: Paging },
) {
  const q = rawQuery
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are never part of a search
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\*/g, '')
    .trim();
  if (!q) {
    // Full sync: every ready song, album and artist in stable (_id) order, paged.
    const songs = p.song.count
      ? await Song.find(READY).sort({ _id: 1 }).skip(p.song.offset).limit(p.song.count).lean<SongDoc[]>()
      : [];
    const stats = p.album.count ? await albumStats() : new Map();
    const albumIds = [...stats.keys()].sort().slice(p.album.offset, p.album.offset + p.album.count);
    const counts = p.artist.count ? await artistAlbumCounts() : new Map<string, number>();
    const artistIds = [...counts.keys()].sort().slice(p.artist.offset, p.artist.offset + p.artist.count);
    const artists = await Artist.find({ _id: trusted({ $in: artistIds.map((i) => new Types.ObjectId(i)) }) })
      .sort({ _id: 1 })
      .lean<ArtistDoc[]>();
    const marks = await marksFor(userId, artistIds);
    return {
      artist: artists.map((a) => toArtistID3(a, counts.get(String(a._id)) ?? 0, marks)),
      album: await readyAlbumsOf(userId, albumIds, stats),
      song: await childrenOf(userId, songs),
    };
  }
  const want = (x: Paging) => Math.min(MAX_SEARCH_LIMIT, x.offset + x.count);
  const limit = Math.max(1, want(p.artist), want(p.album), want(p.song));
  let songIds: string[];
  let albumIds: string[];
  let artistIds: string[];
  if (deps.search) {
    const r = await deps.search.search({ q, limit });
    songIds = r.songs.map((h) => h.id);
    albumIds = r.albums.map((h) => h.id);
    artistIds = r.artists.map((h) => h.id);
  } else {
    const re = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    songIds = (
      await Song.find({ title: re, ...READY }, { _id: 1 })
        .limit(limit)
        .lean()
    ).map((d) => String(d._id));
    albumIds = (await Album.find({ title: re }, { _id: 1 }).limit(limit).lean()).map((d) => String(d._id));
    artistIds = (await Artist.find({ name: re }, { _id: 1 }).limit(limit).lean()).map((d) => String(d._id));
  }
  const songs = (await readySongsByIds(songIds)).slice(p.song.offset, p.song.offset + p.song.count);
  const albums = (await readyAlbumsOf(userId, albumIds)).slice(
    p.album.offset,
    p.album.offset + p.album.count,
  );
  const counts = await artistAlbumCounts(artistIds);
  const liveArtists = artistIds
    .filter((i) => counts.has(i))
    .slice(p.artist.offset, p.artist.offset + p.artist.count);
  const artistDocs = new Map(
    (
      await Artist.find({ _id: trusted({ $in: liveArtists.map((i) => new Types.ObjectId(i)) }) }).lean<
        ArtistDoc[]
      >()
    ).map((a) => [String(a._id), a]),
  );
  const marks = await marksFor(userId, liveArtists);
  return {
    artist: liveArtists.flatMap((i) => {
      const a = artistDocs.get(i);
      return a ? [toArtistID3(a, counts.get(i) ?? 0, marks)] : [];
    }),
    album: albums,
    song: await childrenOf(userId, songs),
  };
}

// --- stars and ratings -------------------------------------------------------------------
export async function star(
  deps: CoreDeps,
  userId: string,
  ids: { song: string[]; album: string[]; artist: string[] },
  on: boolean,
) {
  for (const id of ids.song) {
    if (!isObjectId(id)) throw AppError.notFound('Song');
    if (on) await likeSong(deps, userId, id);
    else await unlikeSong(deps, userId, id);
  }
  for (const kind of ['album', 'artist'] as const) {
    for (const id of ids[kind]) {
      if (!isObjectId(id)) throw AppError.notFound(kind === 'album' ? 'Album' : 'Artist');
      const exists = kind === 'album' ? await Album.exists({ _id: id }) : await Artist.exists({ _id: id });
      if (!exists) throw AppError.notFound(kind === 'album' ? 'Album' : 'Artist');
      if (on)
        await Star.updateOne(
          { userId, kind, refId: id },
          { $setOnInsert: { userId, kind, refId: id } },
          { upsert: true, timestamps: true },
        );
      else await Star.deleteOne({ userId, kind, refId: id });
    }
  }
}

export async function getStarred2(userId: string) {
  const { Like } = await import('@tonearm/db');
  const likes = await Like.find({ userId }).sort({ createdAt: -1 }).limit(5000).lean();
  const stars = await Star.find({ userId }).sort({ createdAt: -1 }).lean();
  const songs = await readySongsByIds(likes.map((l) => String(l.songId)));
  const albumIds = stars.filter((s) => s.kind === 'album').map((s) => String(s.refId));
  const artistIds = stars.filter((s) => s.kind === 'artist').map((s) => String(s.refId));
  const counts = await artistAlbumCounts();
  const artists = await Artist.find({
    _id: trusted({ $in: artistIds.map((i) => new Types.ObjectId(i)) }),
  }).lean<ArtistDoc[]>();
  const marks = await marksFor(userId, artistIds);
  return {
    artist: artists.map((a) => toArtistID3(a, counts.get(String(a._id)) ?? 0, marks)),
    album: await readyAlbumsOf(userId, albumIds),
    song: await childrenOf(userId, songs),
  };
}

export async function setRating(userId: string, id: string, rating: number) {
  if (!isObjectId(id)) throw AppError.notFound('Item');
  const kind = (await Song.exists({ _id: id }))
    ? 'song'
    : (await Album.exists({ _id: id }))
      ? 'album'
      : (await Artist.exists({ _id: id }))
        ? 'artist'
        : null;
  if (!kind) throw AppError.notFound('Item');
  if (rating === 0) await Rating.deleteOne({ userId, refId: id });
  else await Rating.updateOne({ userId, kind, refId: id }, { $set: { rating } }, { upsert: true });
}

// --- playlists ---------------------------------------------------------------------------
async function playlistJson(
  p: PlaylistDoc,
  ownerHandle: string,
  withSongs: boolean,
  userId: string,
): Promise<Json> {
  const songs = await readySongsByIds((p.entries ?? []).map((e) => String(e.songId)));
  const base: Json = {
    id: String(p._id),
    name: p.name,
    comment: p.description || undefined,
    owner: ownerHandle,
    public: p.isPublic,
    songCount: songs.length,
    duration: Math.round(songs.reduce((t, s) => t + (s.durationSec ?? 0), 0)),
    created: new Date((p as { createdAt?: Date }).createdAt ?? 0).toISOString(),
    changed: new Date((p as { updatedAt?: Date }).updatedAt ?? 0).toISOString(),
  };
  if (base.comment === undefined) delete base.comment;
  if (withSongs) base.entry = await childrenOf(userId, songs);
  return base;
}

async function handleOf(ownerId: unknown): Promise<string> {
  return (await User.findById(ownerId, { handle: 1 }).lean())?.handle ?? 'unknown';
}

export async function getPlaylists(userId: string) {
  const docs = await Playlist.find({ $or: [{ ownerId: userId }, { isPublic: true }] })
    .sort({ updatedAt: -1 })
    .limit(500)
    .lean<PlaylistDoc[]>();
  return Promise.all(docs.map(async (d) => playlistJson(d, await handleOf(d.ownerId), false, userId)));
}

export async function getPlaylistById(userId: string, id: string) {
  if (!isObjectId(id)) throw AppError.notFound('Playlist');
  const d = await Playlist.findById(id).lean<PlaylistDoc>();
  if (!d || (String(d.ownerId) !== userId && !d.isPublic)) throw AppError.notFound('Playlist');
  return playlistJson(d, await handleOf(d.ownerId), true, userId);
}

async function ownRevision(userId: string, id: string): Promise<PlaylistDoc> {
  if (!isObjectId(id)) throw AppError.notFound('Playlist');
  const d = await Playlist.findById(id).lean<PlaylistDoc>();
  if (!d) throw AppError.notFound('Playlist');
  if (String(d.ownerId) !== userId) throw AppError.forbidden('Not your playlist');
  return d;
}

/** createPlaylist: new (name) or replace the songs of an existing one (playlistId). */
export async function createOrReplacePlaylist(
  deps: CoreDeps,
  userId: string,
  a: { playlistId?: string; name?: string; songIds: string[] },
) {
  let id = a.playlistId;
  if (!id) {
    if (!a.name) throw AppError.badRequest('name or playlistId is required');
    id = (await createPlaylist(deps, userId, { name: a.name, description: '', isPublic: false })).id;
  } else {
    const d = await ownRevision(userId, id);
    await Playlist.updateOne(
      { _id: id, revision: d.revision },
      { $set: { entries: [], ...(a.name ? { name: a.name } : {}) }, $inc: { revision: 1 } },
    );
    await deps.cache.invalidate(PlaylistCache.ns, id);
  }
  const songs = (await readySongsByIds(a.songIds)).map((s) => String(s._id));
  if (songs.length) {
    const d = await ownRevision(userId, id);
    await addSongs(deps, userId, { id, revision: d.revision ?? 0, songIds: songs });
  }
  return getPlaylistById(userId, id);
}

export async function editPlaylist(
  deps: CoreDeps,
  userId: string,
  a: {
    id: string;
    name?: string;
    comment?: string;
    public?: boolean;
    add: string[];
    removeIndexes: number[];
  },
) {
  let d = await ownRevision(userId, a.id);
  if (a.name !== undefined || a.comment !== undefined) {
    await updatePlaylist(deps, userId, {
      id: a.id,
      revision: d.revision ?? 0,
      name: a.name,
      description: a.comment,
    });
    d = await ownRevision(userId, a.id);
  }
  if (a.public !== undefined && a.public !== d.isPublic) {
    await setPlaylistVisibility(deps, userId, { id: a.id, revision: d.revision ?? 0, isPublic: a.public });
    d = await ownRevision(userId, a.id);
  }
  // Indexes refer to the list as the client saw it: remove from the highest down.
  const entries = d.entries ?? [];
  for (const i of [...new Set(a.removeIndexes)].sort((x, y) => y - x)) {
    const e = entries[i];
    if (!e) throw AppError.badRequest(`songIndexToRemove ${i} is out of range`);
    await removeEntry(deps, userId, { id: a.id, revision: d.revision ?? 0, entryId: String(e._id) });
    d = await ownRevision(userId, a.id);
  }
  const add = (await readySongsByIds(a.add)).map((s) => String(s._id));
  if (add.length) await addSongs(deps, userId, { id: a.id, revision: d.revision ?? 0, songIds: add });
}

export async function removePlaylist(deps: CoreDeps, userId: string, id: string) {
  const d = await ownRevision(userId, id);
  await deletePlaylist(deps, userId, { id, revision: d.revision ?? 0 });
}

// --- play queue --------------------------------------------------------------------------
export async function savePlayQueue(
  userId: string,
  a: { ids: string[]; current?: string; positionMs: number; client: string },
) {
  const songs = (await readySongsByIds(a.ids)).map((s) => s._id);
  const current = a.current && isObjectId(a.current) ? new Types.ObjectId(a.current) : (songs[0] ?? null);
  await PlayQueue.updateOne(
    { userId },
    {
      $set: {
        songIds: songs,
        current,
        positionMs: Math.max(0, Math.floor(a.positionMs)),
        changedBy: a.client.slice(0, 200),
      },
    },
    { upsert: true },
  );
}

export async function getPlayQueue(userId: string, username: string): Promise<Json | null> {
  const q = await PlayQueue.findOne({ userId }).lean();
  if (!q) return null;
  const songs = await readySongsByIds((q.songIds ?? []).map(String));
  return {
    current: q.current ? String(q.current) : undefined,
    position: q.positionMs ?? 0,
    username,
    changed: new Date(q.updatedAt ?? Date.now()).toISOString(),
    changedBy: q.changedBy ?? '',
    entry: await childrenOf(userId, songs),
  };
}

// --- scrobble and discovery --------------------------------------------------------------
/** submission=true: a finished play, stored as a play event like play.report; false: "now playing". */
export async function scrobble(
  deps: CoreDeps,
  userId: string,
  id: string,
  timeMs: number | undefined,
  submission: boolean,
) {
  if (!isObjectId(id)) throw AppError.notFound('Song');
  const song = await Song.findById(id, { durationSec: 1 }).lean<SongDoc>();
  if (!song) throw AppError.notFound('Song');
  if (!submission) return;
  const startedAt = new Date(timeMs ?? Date.now());
  await reportPlay(deps, userId, {
    // Same client, same song, same start time → the same event (a retried scrobble counts once).
    eventId: `subsonic-${userId}-${id}-${startedAt.getTime()}`.slice(0, 64),
    songId: id,
    startedAt,
    playedSec: song.durationSec ?? 0,
    completed: true,
  });
}

export async function similarSongs2(deps: CoreDeps, userId: string, id: string, count: number) {
  if (!isObjectId(id)) throw AppError.notFound('Item');
  let seed = id;
  if (!(await Song.exists({ _id: id }))) {
    // An artist: start from their most played ready song.
    const top = await Song.findOne({ artistId: id, ...READY })
      .sort({ playCount: -1 })
      .lean<SongDoc>();
    if (!top) throw AppError.notFound('Song or artist');
    seed = String(top._id);
  }
  const recs = await moreLikeThis(deps, seed, Math.min(count, 50));
  return childrenOf(userId, await readySongsByIds(recs.map((r) => r.id)));
}

export async function topSongsOf(deps: CoreDeps, userId: string, artistName: string, count: number) {
  const artist =
    (await Artist.findOne({ name: artistName })
      .collation({ locale: 'en', strength: 2 })
      .lean<ArtistDoc>()
      .catch(() => null)) ?? (await Artist.findOne({ name: artistName }).lean<ArtistDoc>());
  if (!artist) {
    if (artistName) return [];
    const chart = await topSongs(deps, Math.min(count, 100));
    return childrenOf(userId, await readySongsByIds(chart.map((s) => s.id)));
  }
  const songs = await Song.find({ artistId: artist._id, ...READY })
    .sort({ playCount: -1, _id: 1 })
    .limit(count)
    .lean<SongDoc[]>();
  return childrenOf(userId, songs);
}

export async function lyricsBySongId(id: string) {
  if (!isObjectId(id)) throw AppError.notFound('Song');
  const s = await Song.findById(id).lean<SongDoc>();
  if (!s) throw AppError.notFound('Song');
  const text = (s as { lyrics?: unknown }).lyrics;
  if (typeof text !== 'string' || !text.trim()) return [];
  const lines = text.split(/\r?\n/);
  const synced = lines.every((l) => !l.trim() || /^\[\d+:\d+(\.\d+)?\]/.test(l));
  return [
    {
      displayArtist: s.artistName,
      displayTitle: s.title,
      lang: 'xxx',
      synced,
      line: lines
        .filter((l) => l.trim())
        .map((l) => {
          const m = /^\[(\d+):(\d+(?:\.\d+)?)\](.*)$/.exec(l);
          return synced && m
            ? { start: Math.round((Number(m[1]) * 60 + Number(m[2])) * 1000), value: (m[3] ?? '').trim() }
            : { value: l };
        }),
    },
  ];
}

export type { AlbumDoc };
