// `stream` from the published ladder: a rendition's fMP4 init segment followed by its media segments
// is one valid, seekable MP4, so /rest/stream serves exactly those S3 objects back to back: the total
// length is the sum of their sizes (Content-Length, Accept-Ranges), and a Range is answered 206 by
// reading only the objects (and byte ranges of them) it covers. No ffmpeg runs per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SongDoc } from '@tonearm/db';
import { parsePlaylist, type S3Storage } from '@tonearm/media';

export type Part = { key: string; size: number };
export type Layout = { parts: Part[]; total: number; bitrateKbps: number; name: string };

type Rendition = NonNullable<SongDoc['media']>['renditions'][number];

/** The rung for maxBitRate (kbps, 0 = no limit): the highest at or under it, else the lowest. */
export function pickRendition(renditions: Rendition[], maxBitRate: number): Rendition | null {
  const sorted = [...renditions].sort((a, b) => b.bitrateKbps - a.bitrateKbps);
  if (!sorted.length) return null;
  if (!maxBitRate) return sorted[0] ?? null;
  return sorted.find((r) => r.bitrateKbps <= maxBitRate) ?? sorted[sorted.length - 1] ?? null;
}

const layouts = new Map<string, Layout>();
const MAX_LAYOUTS = 2000;

/** The objects of one rendition in play order, with sizes (one GET of the playlist, one LIST). */
export async function renditionLayout(
  storage: S3Storage,
  hlsPrefix: string,
  r: Rendition,
): Promise<Layout | null> {
  const playlistKey = hlsPrefix + (r.playlist ?? `${r.name}/index.m3u8`);
  const cached = layouts.get(playlistKey);
  if (cached) return cached;
  const text = (await storage.getBytes(playlistKey))?.toString('utf8');
  if (!text) return null;
  const dir = playlistKey.slice(0, playlistKey.lastIndexOf('/') + 1);
  const sizes = new Map((await storage.list(dir)).map((o) => [o.key, o.size]));
  const { manifest } = parsePlaylist(text);
  const keys: string[] = [];
  const init = manifest.segments[0]?.map?.uri;
  if (init) keys.push(dir + init);
  for (const s of manifest.segments) keys.push(dir + s.uri);
  const parts: Part[] = [];
  for (const key of keys) {
    const size = sizes.get(key);
    if (!size) return null;
    parts.push({ key, size });
  }
  const layout = {
    parts,
    total: parts.reduce((t, p) => t + p.size, 0),
    bitrateKbps: r.bitrateKbps,
    name: r.name,
  };
  if (layouts.size >= MAX_LAYOUTS) layouts.delete(layouts.keys().next().value as string);
  layouts.set(playlistKey, layout);
  return layout;
}

/** A single "bytes=" range over `total` bytes; null = whole body, 'invalid' = 416. */
export function parseRange(
  header: string | undefined,
  total: number,
): { start: number; end: number } | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Multiple ranges: serve the whole body (allowed by RFC 9110).
  if (!m) return header.includes(',') ? null : 'invalid';
  const [, a, b] = m;
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'invalid';
    start = Math.max(0, total - n);
    end = total - 1;
  } else {
    start = Number(a);
    end = b === '' ? total - 1 : Math.min(Number(b), total - 1);
  }
  if (!Number.isSafeInteger(start) || start >= total || end < start) return 'invalid';
  return { start, end };
}

export async function serveLayout(
  storage: S3Storage,
  req: IncomingMessage,
  res: ServerResponse,
  layout: Layout,
  opts: { contentType: string; etag: string; filename?: string },
): Promise<void> {
  const range = parseRange(req.headers.range, layout.total);
  res.setHeader('accept-ranges', 'bytes');
  res.setHeader('content-type', opts.contentType);
  res.setHeader('etag', opts.etag);
  res.setHeader('cache-control', 'private, max-age=3600');
  if (opts.filename)
    res.setHeader(
      'content-disposition',
      `attachment; filename="${opts.filename.replace(/["\\\r\n]/g, '_')}"`,
    );
  if (range === 'invalid') {
    res.setHeader('content-range', `bytes */${layout.total}`);
    res.writeHead(416).end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? layout.total - 1;
  res.setHeader('content-length', end - start + 1);
  if (range) res.setHeader('content-range', `bytes ${start}-${end}/${layout.total}`);
  res.writeHead(range ? 206 : 200);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  let offset = 0;
  for (const part of layout.parts) {
    const pStart = offset;
    const pEnd = offset + part.size - 1;
    offset += part.size;
    if (pEnd < start) continue;
    if (pStart > end || closed) break;
    const from = Math.max(start, pStart) - pStart;
    const to = Math.min(end, pEnd) - pStart;
    const whole = from === 0 && to === part.size - 1;
    const obj = await storage.get(part.key, whole ? undefined : `bytes=${from}-${to}`);
    if (!obj) {
      res.destroy(new Error(`${part.key} vanished`));
      return;
    }
    for await (const chunk of obj.body) {
      if (closed) {
        obj.body.destroy();
        break;
      }
      if (!res.write(chunk))
        await new Promise<void>((r) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            r();
          };
          res.once('drain', done);
          res.once('close', done);
        });
    }
  }
  res.end();
}
