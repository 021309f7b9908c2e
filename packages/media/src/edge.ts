// The dev/CI media edge: serves objects from the local S3 under a path prefix, only when the request's
// CloudFront signed URL or signed cookies verify exactly as CloudFront would (else 403). Content types,
// Range requests, cache headers and CORS for the player's origin behave like the production CDN.
// Mounted by apps/server through createApplication's `routes` option.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import {
  hasSignedUrlParams,
  type PublicKeys,
  type VerifyResult,
  verifySignedCookies,
  verifySignedUrl,
} from './cloudfront-verify';
import { contentTypeOf } from './hls';
import type { S3Storage } from './storage';

export type EdgeOptions = {
  storage: S3Storage;
  publicKeys: PublicKeys;
  /** URL path prefix the edge is mounted under, e.g. "/media/"; the rest of the path is the S3 key. */
  basePath: string;
  /** Browser origins allowed to fetch media (with credentials, for signed cookies). */
  corsOrigins?: string[];
  /** Clock for tests, epoch seconds. */
  now?: () => number;
  /** Called on each denial (logging). */
  onDeny?: (reason: VerifyResult, url: string) => void;
};

/** Versioned prefixes never change once published: segments and playlists are immutable. */
function cacheControlOf(key: string): string {
  return key.endsWith('.m3u8') ? 'private, max-age=300' : 'private, max-age=31536000, immutable';
}

export function createMediaEdge(opts: EdgeOptions) {
  const cors = new Set(opts.corsOrigins ?? []);
  const base = opts.basePath.endsWith('/') ? opts.basePath : `${opts.basePath}/`;

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin && cors.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-expose-headers', 'content-length, content-range, accept-ranges, etag');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, HEAD, OPTIONS');
      res.setHeader('access-control-allow-headers', 'range');
      res.setHeader('access-control-max-age', '600');
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD, OPTIONS' }).end();
      return;
    }
    // CloudFront checks the URL as the viewer asked for it: scheme, Host, path and query.
    const proto = (req.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() ?? 'http';
    const url = `${proto}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
    const parsed = new URL(url);
    if (!parsed.pathname.startsWith(base)) {
      res.writeHead(404).end();
      return;
    }
    let key: string;
    try {
      key = decodeURIComponent(parsed.pathname.slice(base.length));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!key || key.split('/').some((p) => p === '..' || p === '.' || p === '')) {
      res.writeHead(400).end();
      return;
    }
    const now = opts.now?.() ?? Math.floor(Date.now() / 1000);
    const verdict = hasSignedUrlParams(url)
      ? verifySignedUrl(url, opts.publicKeys, now)
      : verifySignedCookies(url, req.headers.cookie ?? '', opts.publicKeys, now);
    if (verdict !== 'ok') {
      opts.onDeny?.(verdict, url);
      res
        .writeHead(403, { 'content-type': 'text/xml', 'cache-control': 'no-store', 'x-edge-reason': verdict })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${verdict}</Message></Error>`,
        );
      return;
    }
    const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
    let obj: Awaited<ReturnType<S3Storage['get']>>;
    try {
      obj = await opts.storage.get(key, range);
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) {
        const head = await opts.storage.head(key);
        res.writeHead(416, { 'content-range': `bytes */${head?.size ?? 0}` }).end();
        return;
      }
      throw e;
    }
    if (!obj) {
      res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end('not found');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': contentTypeOf(key),
      'content-length': String(obj.contentLength),
      'accept-ranges': 'bytes',
      'cache-control': cacheControlOf(key),
    };
    if (obj.etag) headers.etag = obj.etag;
    if (obj.lastModified) headers['last-modified'] = obj.lastModified.toUTCString();
    if (range && obj.contentRange) headers['content-range'] = obj.contentRange;
    res.writeHead(range && obj.contentRange ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      obj.body.destroy();
      res.end();
      return;
    }
    if (res.destroyed) {
      obj.body.destroy();
      return;
    }
    try {
      await pipeline(obj.body, res);
    } catch (e) {
      // The player went away mid-response (hls.js aborts requests when it switches level): not an error.
      if (res.destroyed || (e as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      throw e;
    }
  };
}
