// The Subsonic API end to end: a real song goes through the real transcode pipeline (ffmpeg,
// versitygw, Redis, MongoDB), then the npm client `subsonic-api` replays what a phone app does on
// first connect with an app password (token auth): ping, folders, full sync by search3 pages and
// getAlbumList2, album, cover, a Range request on stream answered 206 with the ladder's bytes,
// scrobble, star, playlist edits, play-queue save/restore. Plus auth failures, XML ⇄ JSON, hostile input.
import { createHash } from 'node:crypto';
import { createApiKey } from '@tonearm/core';
import { Album, AppPassword, Artist, PlayEvent, Song, type SongDoc, User } from '@tonearm/db';
import { cachedTrack } from '@tonearm/media';
import { producerConnection, Queues } from '@tonearm/queue';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { SubsonicAPI } from 'subsonic-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subsonicRoute } from '../src/subsonic/handler';
import { type MediaHarness, startMediaHarness } from './media-harness';

vi.setConfig({ testTimeout: 30_000 });

let h: MediaHarness;
let ready: SongDoc;
let albumId: string;
let password: string;
let handle: string;
const ids: string[] = [];
let rangeHeader: string | null = null;
let api: SubsonicAPI;
const queues = new Queues(producerConnection(), { prefix: `bull-subsonic-${process.pid}` });

async function concatLadder(song: SongDoc, rendition: string): Promise<Buffer> {
  const prefix = song.media?.hlsPrefix as string;
  const r = song.media?.renditions.find((x) => x.name === rendition);
  const text = (await h.media.storage.getBytes(prefix + (r?.playlist ?? '')))?.toString('utf8') ?? '';
  const dir = (prefix + (r?.playlist ?? '')).replace(/[^/]+$/, '');
  const keys = [
    /URI="([^"]+)"/.exec(text)?.[1] as string,
    ...text.split('\n').filter((l) => l && !l.startsWith('#')),
  ];
  const parts = await Promise.all(keys.map((k) => h.media.storage.getBytes(dir + k)));
  return Buffer.concat(parts.map((p) => p as Buffer));
}

beforeAll(async () => {
  const source = await cachedTrack('ladder', { seconds: 30 });
  h = await startMediaHarness(
    { maxDurationSec: 60 },
    { routes: (deps) => [subsonicRoute({ ...deps, queues })] },
  );
  h.startWorker();
  const up = await h.upload(source, { title: 'Thirty seconds' });
  await up.finalize;
  ready = await h.waitForSong(up.songId, (s) => s.media?.status === 'ready' || s.media?.status === 'failed');
  expect(ready.media?.status).toBe('ready');
  // An album with a cover in the layout the cover worker writes (covers/album/<id>/<hash>/<size>.<fmt>).
  const artist = await Artist.findById(ready.artistId).lean();
  const album = await Album.create({
    title: 'Tones',
    artistId: ready.artistId,
    artistName: artist?.name ?? 'x',
    year: 2024,
    genre: 'Ambient',
  });
  albumId = String(album._id);
  const prefix = `covers/album/${albumId}/abc123def456/`;
  for (const size of [64, 300, 640]) {
    const img = await sharp({
      create: { width: size, height: size, channels: 3, background: { r: 200, g: 30, b: 30 } },
    })
      .jpeg()
      .toBuffer();
    await h.media.storage.putBytes(`${prefix}${size}.jpg`, img, 'image/jpeg');
  }
  await Album.updateOne({ _id: album._id }, { $set: { coverKey: prefix } });
  await Song.updateOne(
    { _id: ready._id },
    { $set: { albumId: album._id, albumTitle: 'Tones', trackNumber: 1, genre: 'Ambient' } },
  );
  ids.push(String(ready._id));
  // More tracks on the same published ladder, so a full sync pages; and one not playable yet.
  for (let i = 2; i <= 7; i++) {
    const s = await Song.create({
      title: `Tone ${i}`,
      artistId: ready.artistId,
      artistName: ready.artistName,
      albumId: album._id,
      albumTitle: 'Tones',
      trackNumber: i,
      durationSec: ready.durationSec,
      genre: 'Ambient',
      media: ready.media,
    });
    ids.push(String(s._id));
  }
  await Song.create({
    title: 'Still transcoding',
    artistId: ready.artistId,
    artistName: ready.artistName,
    albumId: album._id,
    trackNumber: 9,
    media: { status: 'transcoding' },
  });
  ready = (await Song.findById(ready._id).lean<SongDoc>()) as SongDoc;
  // The person's app password, made through the tRPC procedure the account page uses.
  const made = await h.client.subsonic.createAppPassword.mutate();
  password = made.password;
  handle = (await User.findById(h.userId).lean())?.handle as string;
  api = new SubsonicAPI({
    url: h.url,
    auth: { username: handle, password },
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      if (rangeHeader) headers.set('range', rangeHeader);
      const r = await fetch(input, { ...init, headers });
      return r;
    },
  });
}, 300_000);

afterAll(async () => {
  await queues.close();
  queues.connection.disconnect();
  await h?.close();
});

describe('a phone app’s first connect (subsonic-api from npm)', () => {
  it('pings and reads the server', async () => {
    const ping = await api.ping();
    expect(ping).toMatchObject({ status: 'ok', version: '1.16.1', type: 'tonearm', openSubsonic: true });
    const ext = await api.getOpenSubsonicExtensions();
    expect(
      (ext as { openSubsonicExtensions: { name: string }[] }).openSubsonicExtensions.map((e) => e.name),
    ).toContain('apiKeyAuthentication');
    const lic = await api.getLicense();
    expect(lic.license.valid).toBe(true);
    const user = await api.getUser({ username: handle });
    expect(user.user).toMatchObject({ username: handle, streamRole: true, folder: [1] });
    const folders = await api.getMusicFolders();
    expect(folders.musicFolders.musicFolder).toEqual([{ id: 1, name: 'Music' }]);
  });

  it('syncs everything with search3 pages and getAlbumList2, only playable songs', async () => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 3) {
      const page = await api.search3({
        query: '',
        songCount: 3,
        songOffset: offset,
        albumCount: 10,
        artistCount: 10,
      });
      const songs = page.searchResult3.song ?? [];
      seen.push(...songs.map((s) => s.id));
      if (offset === 0) {
        expect(page.searchResult3.album?.map((a) => a.id)).toEqual([albumId]);
        expect(page.searchResult3.artist?.map((a) => a.id)).toEqual([String(ready.artistId)]);
      }
      if (songs.length < 3) break;
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    const list = await api.getAlbumList2({ type: 'alphabeticalByName', size: 10 });
    expect(list.albumList2.album).toHaveLength(1);
    expect(list.albumList2.album?.[0]).toMatchObject({
      id: albumId,
      name: 'Tones',
      songCount: 7,
      coverArt: `al-${albumId}`,
      year: 2024,
    });
    expect(list.albumList2.album?.[0]?.created).toBeInstanceOf(Date);
    for (const type of [
      'random',
      'newest',
      'frequent',
      'alphabeticalByArtist',
      'recent',
      'starred',
      'highest',
    ] as const) {
      const r = await api.getAlbumList2({ type, size: 5 });
      expect(r.status).toBe('ok');
    }
    expect(
      (await api.getAlbumList2({ type: 'byYear', fromYear: 2020, toYear: 2025 })).albumList2.album,
    ).toHaveLength(1);
    expect(
      (await api.getAlbumList2({ type: 'byYear', fromYear: 1990, toYear: 2000 })).albumList2.album ?? [],
    ).toHaveLength(0);
    expect((await api.getAlbumList2({ type: 'byGenre', genre: 'Ambient' })).albumList2.album).toHaveLength(1);
  });

  it('searches with a typo through the search port', async () => {
    const r = await api.search3({ query: 'Thirty secnds' });
    expect(r.status).toBe('ok');
  });

  it('opens the album, its cover at the nearest size, and the artist', async () => {
    const album = await api.getAlbum({ id: albumId });
    expect(album.album.song?.map((s) => s.id)).toEqual(ids);
    expect(album.album.song?.[0]).toMatchObject({
      isDir: false,
      duration: Math.round(ready.durationSec),
      contentType: 'audio/mp4',
      suffix: 'm4a',
    });
    const cover = await api.getCoverArt({ id: `al-${albumId}`, size: 200 });
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await cover.arrayBuffer())).metadata();
    expect(meta.width).toBe(300);
    const artist = await api.getArtist({ id: String(ready.artistId) });
    expect(artist.artist.album?.map((a) => a.id)).toEqual([albumId]);
    const dir = await api.getMusicDirectory({ id: albumId });
    expect(dir.directory.child?.length).toBe(7);
  });

  it('streams the ladder as one seekable MP4 and answers a Range with 206 and the right bytes', async () => {
    const top = [...(ready.media?.renditions ?? [])].sort((a, b) => b.bitrateKbps - a.bitrateKbps)[0];
    const whole = await concatLadder(ready, top?.name as string);
    const head = await api.stream({ id: ids[0] as string });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(whole.length);
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    const body = Buffer.from(await head.arrayBuffer());
    expect(body.equals(whole)).toBe(true);
    expect(body.subarray(4, 8).toString()).toBe('ftyp');
    // A range that starts inside the init segment and ends inside a later media segment.
    const start = 500;
    const end = Math.floor(whole.length * 0.6);
    rangeHeader = `bytes=${start}-${end}`;
    try {
      const part = await api.stream({ id: ids[0] as string });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes ${start}-${end}/${whole.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(start, end + 1))).toBe(true);
      rangeHeader = `bytes=${whole.length + 10}-`;
      const bad = await api.stream({ id: ids[0] as string });
      expect(bad.status).toBe(416);
      expect(bad.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    } finally {
      rangeHeader = null;
    }
    // maxBitRate picks a lower rung.
    const low = [...(ready.media?.renditions ?? [])].sort((a, b) => a.bitrateKbps - b.bitrateKbps)[0];
    const small = await api.stream({ id: ids[0] as string, maxBitRate: low?.bitrateKbps });
    expect(
      Buffer.from(await small.arrayBuffer()).equals(await concatLadder(ready, low?.name as string)),
    ).toBe(true);
    // format=raw and download serve the uploaded source.
    const src = await h.media.storage.getBytes(ready.media?.sourceKey as string);
    const raw = await api.download({ id: ids[0] as string });
    expect(Buffer.from(await raw.arrayBuffer()).equals(src as Buffer)).toBe(true);
  });

  it('serves the real master playlist with signed segment URLs that the media edge accepts', async () => {
    const r = await api.hls({ id: ids[0] as string });
    expect(r.status).toBe(200);
    const master = await r.text();
    expect(master).toContain('#EXT-X-STREAM-INF');
    const variant = master.split('\n').find((l) => l.startsWith('hls.m3u8?')) as string;
    const media = await (await fetch(`${h.url}/rest/${variant}`)).text();
    const seg = media.split('\n').find((l) => l.startsWith('http')) as string;
    expect((await fetch(seg)).status).toBe(200);
    expect((await fetch(seg.replace(/Signature=[^&]+/, 'Signature=AAAA'))).status).toBe(403);
  });

  it('scrobbles into play events, stars, rates and edits playlists', async () => {
    const time = Date.now() - 60_000;
    await api.scrobble({ id: ids[0] as string, time, submission: true });
    await api.scrobble({ id: ids[0] as string, time, submission: true }); // a retry counts once
    expect(await PlayEvent.countDocuments({ userId: h.userId, songId: ids[0] })).toBe(1);
    await api.star({ id: ids[1] as string, albumId, artistId: String(ready.artistId) });
    const st = await api.getStarred2();
    expect(st.starred2.song?.map((s) => s.id)).toEqual([ids[1]]);
    expect(st.starred2.album?.map((a) => a.id)).toEqual([albumId]);
    expect(st.starred2.artist?.map((a) => a.id)).toEqual([String(ready.artistId)]);
    expect((await api.getAlbumList2({ type: 'starred' })).albumList2.album?.map((a) => a.id)).toEqual([
      albumId,
    ]);
    await api.unstar({ id: ids[1] as string });
    expect((await api.getStarred2()).starred2.song ?? []).toHaveLength(0);
    await api.setRating({ id: albumId, rating: 4 });
    expect((await api.getAlbum({ id: albumId })).album.userRating).toBe(4);

    const created = await api.createPlaylist({
      name: 'Road trip',
      songId: [ids[0], ids[1], ids[2]] as string[],
    });
    const pid = created.playlist.id;
    expect(created.playlist.songCount).toBe(3);
    await api.updatePlaylist({
      playlistId: pid,
      songIdToAdd: [ids[3] as string],
      songIndexToRemove: [0],
      name: 'Road trip 2',
    });
    const pl = await api.getPlaylist({ id: pid });
    expect(pl.playlist.name).toBe('Road trip 2');
    expect(pl.playlist.entry?.map((e) => e.id)).toEqual([ids[1], ids[2], ids[3]]);
    expect((await api.getPlaylists()).playlists.playlist?.map((p) => p.id)).toContain(pid);
    await api.deletePlaylist({ id: pid });
    const gone = await api.getPlaylist({ id: pid });
    expect(gone).toMatchObject({ status: 'failed', error: { code: 70 } });
  });

  it('saves and restores the play queue', async () => {
    await api.savePlayQueue({ id: [ids[2], ids[0]] as string[], current: ids[0], position: 12_345 });
    const q = await api.getPlayQueue();
    expect(q.playQueue?.entry?.map((e) => e.id)).toEqual([ids[2], ids[0]]);
    expect(q.playQueue).toMatchObject({ current: ids[0], position: 12_345, username: handle });
  });

  it('posts form bodies the same as queries (formPost)', async () => {
    const post = new SubsonicAPI({ url: h.url, auth: { username: handle, password }, post: true });
    expect((await post.getAlbum({ id: albumId })).album.id).toBe(albumId);
  });
});

/** Where the JSON form has arrays (XML cannot say "a list of one"). */
const XML_ARRAYS = new Set(
  [
    'album.song',
    'album.genres',
    'album.artists',
    'album.song.genres',
    'album.song.artists',
    'genres.genre',
    'musicFolders.musicFolder',
  ].map((p) => `subsonic-response.${p}`),
);

describe('authentication and errors', () => {
  const call = (path: string, q: Record<string, string>) =>
    fetch(`${h.url}/rest/${path}?${new URLSearchParams(q)}`);
  const salt = 'c19b2d';
  const token = () =>
    createHash('md5')
      .update(password + salt)
      .digest('hex');

  it('rejects a wrong token, missing credentials and conflicting mechanisms with Subsonic codes', async () => {
    const wrong = await (
      await call('ping.view', { u: handle, t: 'a'.repeat(32), s: salt, f: 'json' })
    ).json();
    expect(wrong['subsonic-response']).toMatchObject({ status: 'failed', error: { code: 40 } });
    const none = await (await call('ping', { f: 'json' })).json();
    expect(none['subsonic-response'].error.code).toBe(10);
    const both = await (await call('ping', { u: handle, apiKey: 'x', f: 'json' })).json();
    expect(both['subsonic-response'].error.code).toBe(43);
    const badKey = await (await call('ping', { apiKey: 'ta_nothing', f: 'json' })).json();
    expect(badKey['subsonic-response'].error.code).toBe(44);
    // p= in clear and as enc:hex.
    const plain = await (await call('ping', { u: handle, p: password, f: 'json' })).json();
    expect(plain['subsonic-response'].status).toBe('ok');
    const enc = await (
      await call('ping', { u: handle, p: `enc:${Buffer.from(password).toString('hex')}`, f: 'json' })
    ).json();
    expect(enc['subsonic-response'].status).toBe('ok');
    expect(
      (await (await call('ping', { u: handle, p: 'enc:zz', f: 'json' })).json())['subsonic-response'].error
        .code,
    ).toBe(40);
  });

  it('stores the app password encrypted, never in clear, and a new one replaces it', async () => {
    const doc = await AppPassword.findOne({ userId: h.userId }).lean();
    expect(doc?.sealed).toBeTruthy();
    expect(JSON.stringify(doc)).not.toContain(password);
    const old = password;
    password = (await h.client.subsonic.createAppPassword.mutate()).password;
    const r = await (await call('ping', { u: handle, p: old, f: 'json' })).json();
    expect(r['subsonic-response'].error.code).toBe(40);
    expect(
      (await (await call('ping', { u: handle, t: token(), s: salt, f: 'json' })).json())['subsonic-response']
        .status,
    ).toBe('ok');
  });

  it('accepts Tonearm API keys (apiKey extension) within their scopes', async () => {
    const key = await createApiKey(h.userId, {
      name: 'phone',
      scopes: ['library:read'],
      rateLimitPerMinute: 600,
    });
    const ok = await (await call('getAlbum', { apiKey: key.key, id: albumId, f: 'json' })).json();
    expect(ok['subsonic-response'].album.id).toBe(albumId);
    const denied = await (await call('star', { apiKey: key.key, id: ids[0] as string, f: 'json' })).json();
    expect(denied['subsonic-response'].error.code).toBe(50);
  });

  it('answers unknown endpoints with "not implemented" (code 0), not a 500', async () => {
    const r = await call('getPodcasts.view', { u: handle, t: token(), s: salt, f: 'json' });
    expect(r.status).toBe(200);
    const j = await r.json();
    expect(j['subsonic-response'].error).toMatchObject({ code: 0 });
    expect(j['subsonic-response'].error.message).toMatch(/not implemented/);
  });

  it('survives hostile parameters', async () => {
    const auth = { u: handle, t: token(), s: salt, f: 'json' };
    for (const [path, q] of [
      ['getAlbum', { id: '{"$gt":""}' }],
      ['getSong', { id: '../../etc/passwd' }],
      ['stream', { id: 'a'.repeat(5000) }],
      ['getCoverArt', { id: 'al-../../x', size: '-5' }],
      ['getAlbumList2', { type: 'drop' }],
      ['getAlbumList2', { type: 'newest', size: 'NaN' }],
      ['updatePlaylist', { playlistId: ids[0] as string, songIndexToRemove: '-1' }],
      ['setRating', { id: albumId, rating: '9' }],
    ] as const) {
      const r = await call(path, { ...auth, ...q });
      expect(r.status, path).toBe(200);
      const j = await r.json();
      expect(j['subsonic-response'].status, `${path} ${JSON.stringify(q)}`).toBe('failed');
      expect([0, 10, 50, 70]).toContain(j['subsonic-response'].error.code);
    }
    const odd = await (await call('search3', { ...auth, query: '(((.*+?\u0000"<x>' })).json();
    expect(odd['subsonic-response'].status).toBe('ok');
    const big = await fetch(`${h.url}/rest/ping`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `u=${handle}&x=${'a'.repeat(400_000)}`,
    });
    expect(big.status).toBe(200);
    expect(await big.text()).toContain('too large');
  });

  it('answers XML by default, parsing to the same data as the JSON form', async () => {
    const auth = { u: handle, t: token(), s: salt };
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseAttributeValue: true,
      isArray: (_name, jpath) => XML_ARRAYS.has(String(jpath)),
    });
    for (const [path, q] of [
      ['getAlbum', { id: albumId }],
      ['getMusicFolders', {}],
      ['getGenres', {}],
      ['ping', {}],
    ] as const) {
      const xml = await (await call(path, { ...auth, ...q })).text();
      expect(xml.startsWith('<?xml')).toBe(true);
      const fromXml = parser.parse(xml)['subsonic-response'];
      const json = (await (await call(path, { ...auth, ...q, f: 'json' })).json())['subsonic-response'];
      delete fromXml.xmlns;
      // XML carries a Genre's name as the element text; fast-xml-parser calls it #text.
      const norm = (o: unknown): unknown =>
        Array.isArray(o)
          ? o.map(norm)
          : o && typeof o === 'object'
            ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k === '#text' ? 'value' : k, norm(v)]))
            : o;
      expect(norm(fromXml)).toEqual(json);
    }
  });
});

describe('Chromium plays /rest/stream', () => {
  it('plays the song to the end and seeks', async () => {
    const { chromium } = await import('@playwright/test');
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--autoplay-policy=no-user-gesture-required'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${h.url}/rest/ping`);
      const salt = 'chromium1';
      const t = createHash('md5')
        .update(password + salt)
        .digest('hex');
      const src = `${h.url}/rest/stream.view?${new URLSearchParams({ id: ids[0] as string, u: handle, t, s: salt, v: '1.16.1', c: 'chromium' })}`;
      const result = await page.evaluate(async (url) => {
        const a = new Audio();
        a.muted = true;
        a.preload = 'auto';
        a.src = url;
        await new Promise<void>((res, rej) => {
          a.onloadedmetadata = () => res();
          a.onerror = () => rej(new Error(`media error ${a.error?.code} ${a.error?.message}`));
        });
        const duration = a.duration;
        // Seek near the end (a byte-range request), then play through to 'ended'.
        a.currentTime = duration - 6;
        await new Promise<void>((res) => {
          a.onseeked = () => res();
        });
        const afterSeek = a.currentTime;
        const seekable = a.seekable.length ? a.seekable.end(0) : 0;
        a.playbackRate = 2;
        await a.play();
        await new Promise<void>((res, rej) => {
          a.onended = () => res();
          a.onerror = () => rej(new Error(`media error ${a.error?.code}`));
          setTimeout(() => rej(new Error(`not ended; at ${a.currentTime}`)), 20_000);
        });
        return { duration, afterSeek, seekable, end: a.currentTime, ended: a.ended };
      }, src);
      expect(result.duration).toBeGreaterThan(ready.durationSec - 1);
      expect(result.duration).toBeLessThan(ready.durationSec + 1);
      expect(result.seekable).toBeGreaterThan(ready.durationSec - 1);
      expect(Math.abs(result.afterSeek - (result.duration - 6))).toBeLessThan(0.5);
      expect(result.ended).toBe(true);
      expect(result.end).toBeGreaterThan(ready.durationSec - 1);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('hostile input on every Subsonic endpoint', () => {
  // Every endpoint the handler implements (ENDPOINTS, read at run time) gets every parameter it reads
  // set to each hostile value at once: operator JSON, prototype keys, traversal, NUL and odd unicode,
  // huge and negative numbers, a 5,000-character string. Nothing may answer 5xx, and every non-media
  // answer is a well-formed Subsonic envelope (ok, or failed with a Subsonic error code).
  const PARAMS = [
    ...['id', 'albumId', 'artistId', 'playlistId', 'songId', 'songIdToAdd', 'songIndexToRemove'],
    ...['size', 'offset', 'count', 'type', 'genre', 'fromYear', 'toYear', 'query', 'artist'],
    ...['artistCount', 'artistOffset', 'albumCount', 'albumOffset', 'songCount', 'songOffset'],
    ...['rating', 'name', 'comment', 'public', 'current', 'position', 'time', 'submission'],
    ...['maxBitRate', 'bitRate', 'format', 'rendition', 'username', 'musicFolderId', 'estimateContentLength'],
  ];
  const HOSTILE = [
    '{"$gt":""}',
    '__proto__',
    '../../../etc/passwd',
    'al-../../x',
    '\u0000',
    '\uD800\u202E',
    '-1',
    'NaN',
    '1e308',
    '99999999999999999999',
  ];
  // A long value goes in one parameter at a time (all of them at once would pass Node's 16 KB header
  // limit, which answers 431 before the handler runs).
  const LONG = 'a'.repeat(5000);
  const LONG_IN = ['id', 'query', 'name', 'comment', 'playlistId', 'songIdToAdd', 'username'];

  it('answers every endpoint × hostile value without a 5xx, in a valid envelope', async () => {
    const { ENDPOINTS } = await import('../src/subsonic/endpoints');
    const salt = 'h0stile';
    const t = createHash('md5')
      .update(password + salt)
      .digest('hex');
    const endpoints = Object.keys(ENDPOINTS);
    expect(endpoints.length).toBeGreaterThan(35);
    const media = new Set(['stream', 'download', 'getCoverArt', 'hls']);
    const failures: string[] = [];
    const cases = [
      ...HOSTILE.map((value) => ({ value, params: PARAMS })),
      ...LONG_IN.map((p) => ({ value: LONG, params: [p] })),
    ];
    for (const name of endpoints) {
      for (const { value, params } of cases) {
        const q = new URLSearchParams({ u: handle, t, s: salt, f: 'json' });
        for (const p of params) q.set(p, value);
        const r = await fetch(`${h.url}/rest/${name}.view?${q}`);
        const label = `${name} ${params.length === 1 ? params[0] : '*'}=${JSON.stringify(value.slice(0, 20))}`;
        if (r.status >= 500) failures.push(`${label}: HTTP ${r.status}`);
        const type = r.headers.get('content-type') ?? '';
        if (media.has(name) && !type.includes('json')) {
          await r.arrayBuffer();
          continue;
        }
        const body = (await r.json().catch(() => null)) as {
          'subsonic-response'?: { status: string; error?: { code: number } };
        } | null;
        const env = body?.['subsonic-response'];
        if (!env || (env.status !== 'ok' && env.status !== 'failed'))
          failures.push(`${label}: not an envelope (${type})`);
        else if (env.status === 'failed' && typeof env.error?.code !== 'number')
          failures.push(`${label}: failed without an error code`);
      }
    }
    expect(failures).toEqual([]);
    // The server still answers normally afterwards.
    const ping = await (await fetch(`${h.url}/rest/ping.view?u=${handle}&t=${t}&s=${salt}&f=json`)).json();
    expect(ping['subsonic-response'].status).toBe('ok');
  }, 120_000);
});
