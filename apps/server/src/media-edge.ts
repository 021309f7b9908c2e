// Mounts the dev/CI media edge (CloudFront-verifying, serving the local S3) under /media/. In
// production MEDIA_BASE_URL points at CloudFront and this route is not mounted.
import { readFileSync } from 'node:fs';
import { env } from '@tonearm/config';
import { createMediaEdge, type S3Storage } from '@tonearm/media';
import type { Logger } from '@tonearm/observability';
import type { Route } from './app';

export const MEDIA_EDGE_PREFIX = '/media/';

export function mediaEdgeRoute(storage: S3Storage, log: Logger, corsOrigins: string[]): Route | null {
  const cfg = env();
  if (!cfg.CLOUDFRONT_PUBLIC_KEY_FILE) return null;
  const handle = createMediaEdge({
    storage,
    basePath: MEDIA_EDGE_PREFIX,
    publicKeys: { [cfg.CLOUDFRONT_KEY_PAIR_ID]: readFileSync(cfg.CLOUDFRONT_PUBLIC_KEY_FILE, 'utf8') },
    corsOrigins,
    onDeny: (reason, url) => log.info({ reason, 'url.full': url }, 'media edge denied a request'),
  });
  return { prefix: MEDIA_EDGE_PREFIX, handle };
}
