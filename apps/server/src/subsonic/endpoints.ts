// The table of every /rest/ endpoint the server answers (handler.ts dispatches to it): each entry maps
// the request's parameters onto core's subsonic services and returns the Subsonic payload. The
// byte-serving endpoints (stream, download, hls, getCoverArt) are media-endpoints.ts.
// Why one file: it is one table of about 40 entries, each a few lines; the logic lives in
// packages/core/src/subsonic.
import { subsonic } from '@tonearm/core';
import { Song, User } from '@tonearm/db';
import { bool, type Caller, type Ctx, E, type Endpoint, notFound, type Params } from './context';
import { ErrorCode, type Payload, SubsonicError } from './envelope';
import { coverArt, hls, readySong, serveSource, stream } from './media-endpoints';

function userJson(c: Caller): Payload {
  return {
    username: c.handle,
    email: c.email,
    scrobblingEnabled: true,
    adminRole: c.role === 'admin',
    settingsRole: true,
    downloadRole: true,
    uploadRole: false,
    playlistRole: true,
    coverArtRole: true,
    commentRole: false,
    podcastRole: false,
    streamRole: true,
    jukeboxRole: false,
    shareRole: false,
    videoConversionRole: false,
    folder: [1],
  };
}

const EXTENSIONS = [
  { name: 'apiKeyAuthentication', versions: [1] },
  { name: 'formPost', versions: [1] },
  { name: 'songLyrics', versions: [1] },
];

function songPaging(p: Params) {
  return {
    artist: { count: p.int('artistCount', 20, 0, 500), offset: p.int('artistOffset', 0) },
    album: { count: p.int('albumCount', 20, 0, 500), offset: p.int('albumOffset', 0) },
    song: { count: p.int('songCount', 20, 0, 500), offset: p.int('songOffset', 0) },
  };
}

export function notImplemented(name: string): Endpoint {
  return {
    scope: null,
    run: async () => {
      throw new SubsonicError(ErrorCode.GENERIC, `${name} is not implemented by Tonearm`);
    },
  };
}

/** star / unstar: songs, albums and artists by their own parameters. */
const starring = (on: boolean) =>
  E('library:write', async (c) => {
    await subsonic.star(
      c.deps,
      c.caller.userId,
      { song: c.p.all('id'), album: c.p.all('albumId'), artist: c.p.all('artistId') },
      on,
    );
    return {};
  });

export const ENDPOINTS: Record<string, Endpoint> = {
  ping: E(null, async () => ({})),
  getLicense: E(null, async () => ({
    license: { valid: true, email: 'tonearm@localhost', licenseExpires: '2999-12-31T00:00:00.000Z' },
  })),
  getOpenSubsonicExtensions: E(null, async () => ({ openSubsonicExtensions: EXTENSIONS })),
  tokenInfo: E(null, async (c) => ({ tokenInfo: { username: c.caller.handle } })),
  getUser: E(null, async (c) => {
    const name = c.p.get('username') ?? c.caller.handle;
    if (name === c.caller.handle) return { user: userJson(c.caller) };
    if (c.caller.role !== 'admin')
      throw new SubsonicError(ErrorCode.NOT_AUTHORIZED, 'Only an admin may look up other users');
    const u = await User.findOne({ handle: name }).lean();
    if (!u) throw notFound('User');
    return {
      user: userJson({
        userId: String(u._id),
        handle: u.handle,
        email: u.email,
        role: (u.role ?? 'user') as 'user',
        apiKeyScopes: null,
        keyId: null,
      }),
    };
  }),
  getMusicFolders: E('library:read', async () => ({
    musicFolders: { musicFolder: [subsonic.MUSIC_FOLDER] },
  })),
  getArtists: E('library:read', async (c) => ({ artists: await subsonic.getArtists(c.caller.userId) })),
  getIndexes: E('library:read', async (c) => {
    const a = await subsonic.getArtists(c.caller.userId);
    return {
      indexes: {
        ignoredArticles: a.ignoredArticles,
        lastModified: Date.now(),
        index: a.index.map((i) => ({
          name: i.name,
          artist: i.artist.map((x) => ({ id: x.id, name: x.name, starred: x.starred })),
        })),
      },
    };
  }),
  getMusicDirectory: E('library:read', async (c) => {
    const id = c.p.req('id');
    const album = await subsonic.getAlbum(c.caller.userId, id);
    if (album) {
      const { song, ...rest } = album as Payload & { song: Payload[] };
      return {
        directory: {
          id,
          parent: rest.artistId,
          name: rest.name,
          starred: rest.starred,
          userRating: rest.userRating,
          playCount: rest.playCount,
          child: song,
        },
      };
    }
    const artist = await subsonic.getArtist(c.caller.userId, id);
    if (!artist) throw notFound('Directory');
    const albums = (artist.album as Payload[]).map((al) => ({
      ...albumAsChild(al),
      parent: id,
      artistId: id,
      playCount: al.playCount,
      songCount: al.songCount,
    }));
    return { directory: { id, parent: '1', name: artist.name, starred: artist.starred, child: albums } };
  }),
  getArtist: E('library:read', async (c) => {
    const a = await subsonic.getArtist(c.caller.userId, c.p.req('id'));
    if (!a) throw notFound('Artist');
    return { artist: a };
  }),
  getAlbum: E('library:read', async (c) => {
    const a = await subsonic.getAlbum(c.caller.userId, c.p.req('id'));
    if (!a) throw notFound('Album');
    return { album: a };
  }),
  getSong: E('library:read', async (c) => {
    const s = await subsonic.getSong(c.caller.userId, c.p.req('id'));
    if (!s) throw notFound('Song');
    return { song: s };
  }),
  getAlbumList2: E('library:read', async (c) => ({ albumList2: { album: await albumList(c) } })),
  getAlbumList: E('library:read', async (c) => ({
    albumList: {
      album: (await albumList(c)).map(albumAsChild),
    },
  })),
  getGenres: E('library:read', async () => ({ genres: { genre: await subsonic.getGenres() } })),
  getSongsByGenre: E('library:read', async (c) => ({
    songsByGenre: {
      song: await subsonic.getSongsByGenre(
        c.caller.userId,
        c.p.req('genre'),
        c.p.int('count', 10, 0, 500),
        c.p.int('offset', 0),
      ),
    },
  })),
  getRandomSongs: E('library:read', async (c) => ({
    randomSongs: {
      song: await subsonic.getRandomSongs(c.caller.userId, {
        size: c.p.int('size', 10, 0, 500),
        genre: c.p.get('genre'),
        fromYear: c.p.get('fromYear') ? c.p.int('fromYear', 0) : undefined,
        toYear: c.p.get('toYear') ? c.p.int('toYear', 9999) : undefined,
      }),
    },
  })),
  search3: E('library:read', async (c) => ({
    searchResult3: await subsonic.search3(c.deps, c.caller.userId, c.p.get('query') ?? '', songPaging(c.p)),
  })),
  search2: E('library:read', async (c) => {
    const r = await subsonic.search3(c.deps, c.caller.userId, c.p.get('query') ?? '', songPaging(c.p));
    // The folder-mode shapes: artists as Artist, albums as directory Children.
    return {
      searchResult2: {
        artist: r.artist.map((a) => ({ id: a.id, name: a.name, starred: a.starred })),
        album: r.album.map(albumAsChild),
        song: r.song,
      },
    };
  }),
  stream: E('playback', stream),
  download: E('playback', async (c) => serveSource(c, await readySong(c.p.req('id')))),
  getCoverArt: E('library:read', coverArt),
  'hls.m3u8': E('playback', hls),
  hls: E('playback', hls),
  scrobble: E('plays:write', async (c) => {
    const ids = c.p.all('id');
    if (!ids.length) throw new SubsonicError(ErrorCode.MISSING_PARAM, 'Required parameter is missing: id');
    const times = c.p.all('time').map(Number);
    const submission = c.p.get('submission') !== 'false';
    for (const [i, id] of ids.entries())
      await subsonic.scrobble(
        c.deps,
        c.caller.userId,
        id,
        Number.isFinite(times[i]) ? times[i] : undefined,
        submission,
      );
    return {};
  }),
  star: starring(true),
  unstar: starring(false),
  getStarred2: E('library:read', async (c) => ({ starred2: await subsonic.getStarred2(c.caller.userId) })),
  getStarred: E('library:read', async (c) => {
    const s = await subsonic.getStarred2(c.caller.userId);
    return {
      starred: {
        artist: s.artist.map((a) => ({ id: a.id, name: a.name, starred: a.starred })),
        song: s.song,
      },
    };
  }),
  setRating: E('library:write', async (c) => {
    const rating = c.p.int('rating', -1);
    if (rating < 0 || rating > 5) throw new SubsonicError(ErrorCode.GENERIC, 'rating must be 0 to 5');
    await subsonic.setRating(c.caller.userId, c.p.req('id'), rating);
    return {};
  }),
  getPlaylists: E('playlists:read', async (c) => ({
    playlists: { playlist: await subsonic.getPlaylists(c.caller.userId) },
  })),
  getPlaylist: E('playlists:read', async (c) => ({
    playlist: await subsonic.getPlaylistById(c.caller.userId, c.p.req('id')),
  })),
  createPlaylist: E('playlists:write', async (c) => {
    const playlistId = c.p.get('playlistId');
    const name = c.p.get('name');
    if (!playlistId && !name)
      throw new SubsonicError(ErrorCode.MISSING_PARAM, 'Required parameter is missing: name or playlistId');
    return {
      playlist: await subsonic.createOrReplacePlaylist(c.deps, c.caller.userId, {
        playlistId,
        name,
        songIds: c.p.all('songId'),
      }),
    };
  }),
  updatePlaylist: E('playlists:write', async (c) => {
    const pub = c.p.get('public');
    await subsonic.editPlaylist(c.deps, c.caller.userId, {
      id: c.p.req('playlistId'),
      name: c.p.get('name'),
      comment: c.p.get('comment'),
      public: pub === undefined ? undefined : bool(pub),
      add: c.p.all('songIdToAdd'),
      removeIndexes: c.p.all('songIndexToRemove').map((x) => {
        const n = Number(x);
        if (!Number.isInteger(n) || n < 0)
          throw new SubsonicError(ErrorCode.GENERIC, 'songIndexToRemove must be a non-negative integer');
        return n;
      }),
    });
    return {};
  }),
  deletePlaylist: E('playlists:write', async (c) => {
    await subsonic.removePlaylist(c.deps, c.caller.userId, c.p.req('id'));
    return {};
  }),
  getPlayQueue: E('library:read', async (c) => {
    const q = await subsonic.getPlayQueue(c.caller.userId, c.caller.handle);
    // No saved queue: an empty one (the schema requires playQueue).
    return {
      playQueue: q ?? {
        username: c.caller.handle,
        changed: new Date(0).toISOString(),
        changedBy: '',
        entry: [],
      },
    };
  }),
  savePlayQueue: E('library:write', async (c) => {
    await subsonic.savePlayQueue(c.caller.userId, {
      ids: c.p.all('id'),
      current: c.p.get('current'),
      positionMs: c.p.int('position', 0),
      client: c.p.get('c') ?? '',
    });
    return {};
  }),
  getSimilarSongs2: E('library:read', async (c) => ({
    similarSongs2: {
      song: await subsonic.similarSongs2(c.deps, c.caller.userId, c.p.req('id'), c.p.int('count', 50, 1, 50)),
    },
  })),
  getSimilarSongs: E('library:read', async (c) => ({
    similarSongs: {
      song: await subsonic.similarSongs2(c.deps, c.caller.userId, c.p.req('id'), c.p.int('count', 50, 1, 50)),
    },
  })),
  getTopSongs: E('library:read', async (c) => ({
    topSongs: {
      song: await subsonic.topSongsOf(
        c.deps,
        c.caller.userId,
        c.p.req('artist'),
        c.p.int('count', 50, 1, 500),
      ),
    },
  })),
  getLyricsBySongId: E('library:read', async (c) => ({
    lyricsList: { structuredLyrics: await subsonic.lyricsBySongId(c.p.req('id')) },
  })),
  getNowPlaying: E('library:read', async () => ({ nowPlaying: { entry: [] } })),
  getScanStatus: E('library:read', async () => ({
    scanStatus: { scanning: false, count: await Song.countDocuments(subsonic.READY) },
  })),
};

/** An AlbumID3 as a folder-mode directory Child (getAlbumList, search2). */
function albumAsChild(al: Payload): Payload {
  return {
    id: al.id,
    parent: al.artistId,
    isDir: true,
    title: al.name,
    album: al.name,
    artist: al.artist,
    year: al.year,
    genre: al.genre,
    coverArt: al.coverArt,
    duration: al.duration,
    created: al.created,
    starred: al.starred,
    artistId: al.artistId,
  };
}

async function albumList(c: Ctx) {
  const type = c.p.req('type') as subsonic.AlbumListType;
  if (!subsonic.ALBUM_LIST_TYPES.includes(type))
    throw new SubsonicError(ErrorCode.GENERIC, `Unknown list type: ${type}`);
  if (type === 'byGenre') c.p.req('genre');
  if (type === 'byYear') {
    c.p.req('fromYear');
    c.p.req('toYear');
  }
  return subsonic.getAlbumList2(c.caller.userId, {
    type,
    size: c.p.int('size', 10, 0, 500),
    offset: c.p.int('offset', 0),
    fromYear: c.p.get('fromYear') ? c.p.int('fromYear', 0) : undefined,
    toYear: c.p.get('toYear') ? c.p.int('toYear', 9999) : undefined,
    genre: c.p.get('genre'),
  });
}
