import type { ApiDeps } from '@tonearm/api';
import { startPlayback, subsonic } from '@tonearm/core';
import { Album, type AlbumDoc, Artist, type ArtistDoc, Song, type SongDoc } from '@tonearm/db';
import { contentTypeOf, parsePlaylist } from '@tonearm/media';
import { type Ctx, notFound } from './context';
import { ErrorCode, SubsonicError } from './envelope';
import { pickRendition, renditionLayout, serveLayout } from './stream';

export async function readySong(id: string): Promise<SongDoc> {
  if (!subsonic.isObjectId(id)) throw notFound('Song');
  const s = await Song.findById(id).lean<SongDoc>();
  if (s?.media?.status !== 'ready' || !s.media.hlsPrefix) throw notFound('Song');
  return s;
}

function mediaOrFail(deps: ApiDeps) {
  if (!deps.media) throw new SubsonicError(ErrorCode.GENERIC, 'Media storage is not configured');
  return deps.media;
}

export async function serveSource(c: Ctx, s: SongDoc): Promise<'sent'> {
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

export async function stream(c: Ctx): Promise<'sent'> {
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
export async function coverArt(c: Ctx): Promise<'sent'> {
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
export async function hls(c: Ctx): Promise<'sent'> {
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
