// /rest/* — the OpenSubsonic API (version 1.16.1) on the standalone server. Parses GET query and POST
// form parameters, authenticates (apiKey extension, or u + t/s token or p against the user's app
// password), counts the call against the same rate-limit scopes as tRPC, dispatches to core's
// subsonic services and answers in the Subsonic envelope (XML by default, JSON with f=json).
// Unknown or unimplemented endpoints answer Subsonic error 0 "not implemented", never a 500.
// Size: One file (~780 lines) on purpose: it is the table of every /rest/ endpoint, each a few lines
// that map parameters onto core; the logic lives in core/src/subsonic.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiDeps } from '@tonearm/api';
import { toAppError } from '@tonearm/api';
import { findApiKey, startPlayback, subsonic } from '@tonearm/core';
import { Album, type AlbumDoc, Artist, type ArtistDoc, Song, type SongDoc, User } from '@tonearm/db';
import { contentTypeOf, parsePlaylist } from '@tonearm/media';
import { clientAddress, rateLimitHeaders, subjectOf, type TrustProxy } from '@tonearm/ratelimit';
import type { ApiKeyScope } from '@tonearm/validators';
import type { Route } from '../app';
import { API_VERSION, ErrorCode, type Format, fail, ok, type Payload, SubsonicError } from './envelope';
import { pickRendition, renditionLayout, serveLayout } from './stream';

export const SUBSONIC_PREFIX = '/rest/';
const MAX_FORM_BYTES = 256 * 1024;

export type Caller = {
  userId: string;
  handle: string;
  email: string;
  role: 'user' | 'admin';
  apiKeyScopes: string[] | null;
  keyId: string | null;
  rateLimitPerMinute?: number;
};

export type Params = {
  get(name: string): string | undefined;
  all(name: string): string[];
  int(name: string, def: number, min?: number, max?: number): number;
  req(name: string): string;
  raw: URLSearchParams;
};

function paramsOf(q: URLSearchParams): Params {
  const p: Params = {
    raw: q,
    get: (n) => q.get(n) ?? undefined,
    all: (n) => q.getAll(n),
    int(n, def, min = 0, max = Number.MAX_SAFE_INTEGER) {
      const v = q.get(n);
      if (v === null || v === '') return def;
      const x = Number(v);
      if (!Number.isInteger(x))
        throw new SubsonicError(ErrorCode.GENERIC, `Parameter ${n} must be an integer`);
      return Math.min(max, Math.max(min, x));
    },
    req(n) {
      const v = q.get(n);
      if (v === null || v === '')
        throw new SubsonicError(ErrorCode.MISSING_PARAM, `Required parameter is missing: ${n}`);
      return v;
    },
  };
  return p;
}

async function readForm(req: IncomingMessage, res: ServerResponse): Promise<string> {
  const type = String(req.headers['content-type'] ?? '');
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return '';
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_FORM_BYTES) {
      // The rest of the body is never read: this connection cannot carry another request.
      res.setHeader('connection', 'close');
      throw new SubsonicError(ErrorCode.GENERIC, 'Request body too large');
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type Ctx = {
  deps: ApiDeps;
  req: IncomingMessage;
  res: ServerResponse;
  p: Params;
  f: Format;
  cb?: string;
  caller: Caller;
};
type Handler = (c: Ctx) => Promise<Payload | 'sent'>;
type Endpoint = { scope: ApiKeyScope | null; run: Handler };

const bool = (v: string | undefined) => v === 'true' || v === '1';
const notFound = (what: string) => new SubsonicError(ErrorCode.NOT_FOUND, `${what} not found`);

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

async function readySong(id: string): Promise<SongDoc> {
  if (!subsonic.isObjectId(id)) throw notFound('Song');
  const s = await Song.findById(id).lean<SongDoc>();
  if (s?.media?.status !== 'ready' || !s.media.hlsPrefix) throw notFound('Song');
  return s;
}

function mediaOrFail(deps: ApiDeps) {
  if (!deps.media) throw new SubsonicError(ErrorCode.GENERIC, 'Media storage is not configured');
  return deps.media;
}

async function serveSource(c: Ctx, s: SongDoc): Promise<'sent'> {
  const media = mediaOrFail(c.deps);
  const key = s.media?.sourceKey;
  const head = key ? await media.storage.head(key) : null;
  if (!key || !head) throw notFound('Source file');
  const ext = /\.([a-z0-9]{1,5})$/i.exec(key)?.[1] ?? 'bin';
  await serveLayout(
    media.storage,
    c.req,
    c.res,
    { parts: [{ key, size: head.size }], total: head.size, bitrateKbps: 0, name: 'raw' },
    {
      contentType: s.media?.sourceContentType ?? head.contentType ?? 'application/octet-stream',
      etag: `"src-${String(s._id)}-${head.size}"`,
      filename: `${s.artistName} - ${s.title}.${ext}`,
    },
  );
  return 'sent';
}

async function stream(c: Ctx): Promise<'sent'> {
  const s = await readySong(c.p.req('id'));
  if (c.p.get('format') === 'raw') return serveSource(c, s);
  const media = mediaOrFail(c.deps);
  const r = pickRendition(s.media?.renditions ?? [], c.p.int('maxBitRate', 0));
  const layout = r ? await renditionLayout(media.storage, s.media?.hlsPrefix as string, r) : null;
  if (!layout) throw notFound('Rendition');
  await serveLayout(media.storage, c.req, c.res, layout, {
    contentType: 'audio/mp4',
    etag: `"${String(s._id)}-${layout.name}-${layout.total}"`,
  });
  return 'sent';
}

/** The sizes a cover exists in, from the keys under Album.coverKey (<size>.<format>). */
async function coverArt(c: Ctx): Promise<'sent'> {
  const media = mediaOrFail(c.deps);
  const raw = c.p.req('id');
  const size = c.p.int('size', 0, 0, 4096);
  const [kind, id] = raw.startsWith('al-')
    ? ['album', raw.slice(3)]
    : raw.startsWith('ar-')
      ? ['artist', raw.slice(3)]
      : ['any', raw];
  if (!subsonic.isObjectId(id)) throw notFound('Cover art');
  let prefix: string | null = null;
  if (kind === 'artist') {
    prefix = (await Artist.findById(id, { imageKey: 1 }).lean<ArtistDoc>())?.imageKey ?? null;
  } else {
    let album = await Album.findById(id, { coverKey: 1 }).lean<AlbumDoc>();
    if (!album && kind === 'any') {
      const song = await Song.findById(id, { albumId: 1 }).lean<SongDoc>();
      if (song?.albumId) album = await Album.findById(song.albumId, { coverKey: 1 }).lean<AlbumDoc>();
    }
    prefix = album?.coverKey ?? null;
  }
  if (!prefix) throw notFound('Cover art');
  const dir = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const files = (await media.storage.list(dir))
    .map((o) => ({ ...o, px: Number(/\/(\d+)\.[a-z0-9]+$/i.exec(o.key)?.[1] ?? Number.NaN) }))
    .filter((o) => Number.isFinite(o.px) && o.size > 0);
  if (!files.length) throw notFound('Cover art');
  // Prefer a format every client decodes (jpeg), then webp/avif.
  const rank = (k: string) => (/\.jpe?g$/i.test(k) ? 0 : /\.png$/i.test(k) ? 1 : /\.webp$/i.test(k) ? 2 : 3);
  files.sort((a, b) => a.px - b.px || rank(a.key) - rank(b.key));
  const pick = size
    ? (files.find(
        (f) =>
          f.px >= size &&
          rank(f.key) === Math.min(...files.filter((g) => g.px >= size).map((g) => rank(g.key))),
      ) ??
      files.filter((f) => f.px === files[files.length - 1]?.px).sort((a, b) => rank(a.key) - rank(b.key))[0])
    : files.filter((f) => f.px === files[files.length - 1]?.px).sort((a, b) => rank(a.key) - rank(b.key))[0];
  if (!pick) throw notFound('Cover art');
  await serveLayout(
    media.storage,
    c.req,
    c.res,
    { parts: [{ key: pick.key, size: pick.size }], total: pick.size, bitrateKbps: 0, name: 'cover' },
    {
      contentType: contentTypeOf(pick.key).startsWith('image/')
        ? contentTypeOf(pick.key)
        : `image/${pick.key.split('.').pop()?.replace('jpg', 'jpeg')}`,
      etag: `"${pick.etag ?? pick.key}"`,
    },
  );
  return 'sent';
}

const AUTH_PARAMS = ['u', 't', 's', 'p', 'apiKey', 'v', 'c'];

/** hls.m3u8: the song's master playlist, each variant pointing back here for a media playlist whose
 * init and segment URIs are absolute and carry the same CloudFront signature as the web player's. */
async function hls(c: Ctx): Promise<'sent'> {
  const s = await readySong(c.p.req('id'));
  const media = mediaOrFail(c.deps);
  const grant = await startPlayback(c.deps, String(s._id));
  const prefix = s.media?.hlsPrefix as string;
  const variant = c.p.get('rendition');
  let body: string;
  if (!variant) {
    const master = (await media.storage.getBytes(`${prefix}master.m3u8`))?.toString('utf8');
    if (!master) throw notFound('Playlist');
    const auth = new URLSearchParams();
    for (const k of AUTH_PARAMS) for (const v of c.p.all(k)) auth.append(k, v);
    const names = new Map(
      (s.media?.renditions ?? []).map((r) => [r.playlist ?? `${r.name}/index.m3u8`, r.name]),
    );
    const maxBitRate = c.p.int('bitRate', 0);
    const lines = master.split('\n');
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.startsWith('#EXT-X-STREAM-INF')) {
        const uri = (lines[i + 1] ?? '').trim();
        const r = (s.media?.renditions ?? []).find((x) => (x.playlist ?? `${x.name}/index.m3u8`) === uri);
        if (
          maxBitRate &&
          r &&
          r.bitrateKbps > maxBitRate &&
          (s.media?.renditions ?? []).some((x) => x.bitrateKbps <= maxBitRate)
        ) {
          i++;
          continue;
        }
        const q = new URLSearchParams(auth);
        q.set('id', String(s._id));
        q.set('rendition', names.get(uri) ?? '');
        out.push(line, `hls.m3u8?${q}`);
        i++;
        continue;
      }
      out.push(line);
    }
    body = out.join('\n');
  } else {
    const r = (s.media?.renditions ?? []).find((x) => x.name === variant);
    if (!r) throw notFound('Rendition');
    const key = prefix + (r.playlist ?? `${r.name}/index.m3u8`);
    const text = (await media.storage.getBytes(key))?.toString('utf8');
    if (!text) throw notFound('Playlist');
    const dir = key.slice(0, key.lastIndexOf('/') + 1);
    const signed = (uri: string) => `${media.signer?.urlOf(dir + uri) ?? uri}?${grant.signedQuery}`;
    parsePlaylist(text); // throws on a malformed playlist rather than passing it on
    body = text
      .split('\n')
      .map((l) => {
        if (l.startsWith('#EXT-X-MAP:'))
          return l.replace(/URI="([^"]+)"/, (_, u: string) => `URI="${signed(u)}"`);
        if (l && !l.startsWith('#')) return signed(l.trim());
        return l;
      })
      .join('\n');
  }
  c.res.setHeader('content-type', 'application/vnd.apple.mpegurl');
  c.res.setHeader('cache-control', 'private, no-store');
  c.res.writeHead(200).end(body);
  return 'sent';
}

function notImplemented(name: string): Endpoint {
  return {
    scope: null,
    run: async () => {
      throw new SubsonicError(ErrorCode.GENERIC, `${name} is not implemented by Tonearm`);
    },
  };
}

const E = (scope: ApiKeyScope | null, run: Handler): Endpoint => ({ scope, run });

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
      id: al.id,
      parent: id,
      isDir: true,
      title: al.name,
      album: al.name,
      artist: al.artist,
      year: al.year,
      genre: al.genre,
      coverArt: al.coverArt,
      duration: al.duration,
      playCount: al.playCount,
      created: al.created,
      starred: al.starred,
      artistId: id,
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

type Auth = { caller: Caller } | { error: SubsonicError };

async function authenticate(p: Params): Promise<Auth> {
  const apiKey = p.get('apiKey');
  const u = p.get('u');
  if (apiKey !== undefined) {
    if (u !== undefined)
      return {
        error: new SubsonicError(
          ErrorCode.CONFLICTING_AUTH,
          'Multiple conflicting authentication mechanisms provided',
        ),
      };
    const key = await findApiKey(apiKey);
    if (!key) return { error: new SubsonicError(ErrorCode.INVALID_API_KEY, 'Invalid API key') };
    const user = await User.findById(key.userId, { handle: 1, email: 1, role: 1 }).lean();
    if (!user) return { error: new SubsonicError(ErrorCode.INVALID_API_KEY, 'Invalid API key') };
    return {
      caller: {
        userId: key.userId,
        handle: user.handle,
        email: user.email,
        role: (user.role ?? 'user') as 'user',
        apiKeyScopes: key.scopes,
        keyId: key.keyId,
        rateLimitPerMinute: key.rateLimitPerMinute,
      },
    };
  }
  if (u === undefined)
    return {
      error: new SubsonicError(ErrorCode.MISSING_PARAM, 'Required parameter is missing: u (or apiKey)'),
    };
  const t = p.get('t');
  const s = p.get('s');
  const pw = p.get('p');
  if ((t === undefined || s === undefined) && pw === undefined)
    return {
      error: new SubsonicError(ErrorCode.MISSING_PARAM, 'Required parameter is missing: t and s, or p'),
    };
  const who = await subsonic.verifyAppPassword({
    u,
    t,
    s,
    p: t !== undefined && s !== undefined ? undefined : pw,
  });
  if (!who) return { error: new SubsonicError(ErrorCode.WRONG_CREDENTIALS, 'Wrong username or password') };
  return { caller: { ...who, apiKeyScopes: null, keyId: null } };
}

/** The client address behind trusted proxies only (packages/ratelimit client-ip; docs/SECURITY.md). */
function clientIp(req: IncomingMessage, trust: TrustProxy): string {
  // No trustworthy address: a key of its own, never one shared bucket for everyone.
  return (
    clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trust) ??
    `unknown:${req.socket.remotePort ?? Math.random()}`
  );
}

function toSubsonic(err: unknown): { error: SubsonicError; unexpected: boolean } {
  if (err instanceof SubsonicError) return { error: err, unexpected: false };
  const app = toAppError(err);
  const code =
    app.code === 'NOT_FOUND'
      ? ErrorCode.NOT_FOUND
      : app.code === 'FORBIDDEN' || app.code === 'UNAUTHORIZED'
        ? ErrorCode.NOT_AUTHORIZED
        : ErrorCode.GENERIC;
  const unexpected = app.code === 'INTERNAL_SERVER_ERROR';
  return { error: new SubsonicError(code, unexpected ? 'Internal error' : app.message), unexpected };
}

export function subsonicRoute(deps: ApiDeps, opts: { trustProxy?: TrustProxy } = {}): Route {
  return {
    prefix: SUBSONIC_PREFIX,
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://x');
      const name = decodeURIComponent(url.pathname.slice(SUBSONIC_PREFIX.length)).replace(/\.view$/, '');
      let f: Format = 'xml';
      let cb: string | undefined;
      try {
        const form = await readForm(req, res);
        const q = new URLSearchParams(url.search);
        for (const [k, v] of new URLSearchParams(form)) q.append(k, v);
        const p = paramsOf(q);
        const fmt = p.get('f');
        f = fmt === 'json' ? 'json' : fmt === 'jsonp' ? 'jsonp' : 'xml';
        cb = p.get('callback');
        if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
          fail(res, f, ErrorCode.GENERIC, `Method ${req.method} is not allowed`, cb);
          return;
        }
        const ip = clientIp(req, opts.trustProxy ?? { hops: 0 });
        const auth = await authenticate(p);
        const limiter = deps.rateLimiter;
        const subject =
          'caller' in auth
            ? subjectOf({
                ip,
                userId: auth.caller.userId,
                apiKey: auth.caller.keyId
                  ? { keyId: auth.caller.keyId, rateLimitPerMinute: auth.caller.rateLimitPerMinute ?? 600 }
                  : null,
              })
            : // Failed credentials count against the sign-in scope by IP, as auth.* calls do.
              { scope: 'auth' as const, identifier: ip, limit: undefined };
        if (limiter) {
          const d = await limiter.check(subject.scope, subject.identifier, subject.limit);
          for (const [k, v] of Object.entries(rateLimitHeaders(d))) res.setHeader(k, v);
          if (d.outcome === 'blocked' || d.outcome === 'unavailable') {
            res.setHeader('retry-after', String(d.retryAfterSeconds));
            fail(
              res,
              f,
              ErrorCode.GENERIC,
              d.outcome === 'blocked'
                ? `Rate limit exceeded; retry in ${d.retryAfterSeconds} s`
                : 'Rate limiting is unavailable; try again shortly',
              cb,
            );
            return;
          }
        }
        if ('error' in auth) {
          fail(res, f, auth.error.code, auth.error.message, cb);
          return;
        }
        const ep = Object.hasOwn(ENDPOINTS, name)
          ? ENDPOINTS[name]
          : notImplemented(name.replace(/[^\w.]/g, '').slice(0, 64) || 'This endpoint');
        if (!ep) return;
        if (ep.scope && auth.caller.apiKeyScopes && !auth.caller.apiKeyScopes.includes(ep.scope)) {
          fail(res, f, ErrorCode.NOT_AUTHORIZED, `API key lacks scope "${ep.scope}"`, cb);
          return;
        }
        const out = await ep.run({ deps, req, res, p, f, cb, caller: auth.caller });
        if (out !== 'sent') ok(res, f, out, cb);
      } catch (err) {
        const { error, unexpected } = toSubsonic(err);
        if (unexpected) deps.log.error({ err, 'url.path': url.pathname }, 'subsonic call failed');
        if (res.headersSent) res.destroy();
        else fail(res, f, error.code, error.message, cb);
      }
    },
  };
}

export { API_VERSION };
