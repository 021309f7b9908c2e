// Public cover art and avatars: GET /covers/<album|artist|user>/<id>/<hash>/<size>.<avif|webp|jpg>,
// the images the cover job writes to S3 (kind `user` = a person's avatar, core's avatarUrl), streamed
// with immutable caching. Covers are not protected content (no signing), but
// only keys of exactly that shape are served: anything else (traversal, other prefixes, sources) is 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { S3Storage } from '@tonearm/media';
import type { Route } from './app';

export const COVER_PREFIX = '/covers/';
const KEY = /^covers\/(album|artist|user)\/[0-9a-f]{24}\/[0-9a-f]{12}\/(64|300|640)\.(avif|webp|jpg)$/;
const TYPES: Record<string, string> = { avif: 'image/avif', webp: 'image/webp', jpg: 'image/jpeg' };

export function coverKeyOf(url: string): string | null {
  const path = url.split('?')[0] ?? '';
  const key = path.slice(1);
  return KEY.test(key) ? key : null;
}

export function coverRoute(storage: S3Storage): Route {
  return {
    prefix: COVER_PREFIX,
    async handle(req: IncomingMessage, res: ServerResponse) {
      const key = req.method === 'GET' || req.method === 'HEAD' ? coverKeyOf(req.url ?? '') : null;
      if (!key) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const obj = await storage.get(key);
      if (!obj) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[key.split('.').pop() ?? ''] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=31536000, immutable',
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
        'x-content-type-options': 'nosniff',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      await pipeline(obj.body, res);
    },
  };
}
