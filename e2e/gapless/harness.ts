// Node side of the gapless tests and bench: a tiny static server for the test page, the bundled
// engine, the recorder worklet and the fixtures; conversion of fixtures to the engine's TrackInput;
// and decoding of the page's capture.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { buildSync } from 'esbuild';
import { type TrackInput, trackInputFromMedia } from '../../packages/player/src/index';
import { maxStep } from './analysis';
import { ALBUM_CUTS, decodeRendition, ensureFixtures, type FixtureSet, sweepSignal } from './fixtures';

const here = import.meta.dirname;
export const repoRoot = join(here, '..', '..');
export const fixtureBase = join(repoRoot, '.data', 'fixtures', 'gapless');

export { CHROMIUM_ARGS } from '../lib/chromium';

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mp4': 'audio/mp4',
  '.m4s': 'audio/mp4',
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.json': 'application/json',
};

export type PageServer = { url: string; fixtures: FixtureSet; close: () => Promise<void> };

export async function startPageServer(): Promise<PageServer> {
  const fixtures = await ensureFixtures(fixtureBase);
  const bundle = buildSync({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
  }).outputFiles[0]!.text;
  const worklet = readFileSync(join(here, 'recorder-worklet.js'), 'utf8');
  // hls.js as the web app ships it (the fallback engine), for the lossless spec's hls.js run.
  const hlsJs = readFileSync(
    join(createRequire(join(repoRoot, 'apps/web/package.json')).resolve('hls.js'), '..', 'hls.min.js'),
    'utf8',
  );
  const html =
    '<!doctype html><meta charset="utf-8"><title>gapless</title><script type="module" src="/page.js"></script>';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const send = (body: string | Buffer, type: string) => {
      res.writeHead(200, {
        'content-type': type,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
    };
    if (path === '/') return send(html, TYPES['.html']!);
    if (path === '/page.js') return send(bundle, TYPES['.js']!);
    if (path === '/recorder-worklet.js') return send(worklet, TYPES['.js']!);
    if (path === '/hls.js') return send(hlsJs, TYPES['.js']!);
    if (path.startsWith('/fx/')) {
      const file = normalize(join(fixtures.root, path.slice(4)));
      if (!file.startsWith(fixtures.root)) {
        res.writeHead(403).end();
        return;
      }
      try {
        return send(readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
      } catch {
        res.writeHead(404).end();
        return;
      }
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    fixtures,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The engine's input for fixture tracks: the pipeline's record mapped as the web player maps a playback grant. */
export function trackInputs(srv: PageServer, ids: string[]): TrackInput[] {
  return ids.map((id) => {
    const t = srv.fixtures.tracks[id];
    if (!t) throw new Error(`no fixture ${id}`);
    return trackInputFromMedia(id, `${srv.url}/fx/${t.master.replace(/master\.m3u8$/, '')}`, t, {
      title: id,
      albumId: t.albumId,
      album: t.album,
    });
  });
}

/** Per-track init + segment URLs of one rung, for the naive baseline. */
export function rungUrls(
  srv: PageServer,
  ids: string[],
  rung: string,
): { initUrl: string; segmentUrls: string[] }[] {
  return ids.map((id) => {
    const t = srv.fixtures.tracks[id]!;
    const dir = t.master.replace(/master\.m3u8$/, `${rung}/`);
    const text = readFileSync(join(srv.fixtures.root, dir, 'index.m3u8'), 'utf8');
    const init = text.match(/#EXT-X-MAP:URI="([^"]+)"/)![1]!;
    const segs = text.split('\n').filter((l) => l.endsWith('.m4s'));
    return {
      initUrl: `${srv.url}/fx/${dir}${init}`,
      segmentUrls: segs.map((s) => `${srv.url}/fx/${dir}${s}`),
    };
  });
}

export type RawCapture = {
  l: string;
  r: string;
  firstFrame: number;
  sampleRate: number;
  contextState: string;
};
export type Capture = { l: Float32Array; r: Float32Array; sampleRate: number };

export function decodeCapture(c: RawCapture): Capture {
  const f = (s: string) => {
    const b = Buffer.from(s, 'base64');
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4).slice();
  };
  return { l: f(c.l), r: f(c.r), sampleRate: c.sampleRate };
}

/** The album's continuous signal and its cut points (reference for seam measurement). */
export function albumReference(): { l: Float32Array; r: Float32Array; cuts: number[] } {
  const total = ALBUM_CUTS.reduce((a, b) => a + b, 0);
  const [l, r] = sweepSignal(total);
  return { l, r, cuts: [ALBUM_CUTS[0], ALBUM_CUTS[0] + ALBUM_CUTS[1]] };
}

/**
 * Largest sample step within ±10 ms of the seam between track A (rung a) and track B (rung b) when the
 * two encodings are decoded offline and joined exactly: what the encoded signal itself has at that seam
 * (lossy coding of a hard cut rings a little, so this exceeds the pure sweep's step).
 */
export function idealSeamStep(
  srv: PageServer,
  a: { id: string; rung: string },
  b: { id: string; rung: string },
): number {
  const da = decodeRendition(srv.fixtures, a.id, a.rung);
  const db = decodeRendition(srv.fixtures, b.id, b.rung);
  const w = 441;
  const na = da.length / 2;
  const l = new Float32Array(2 * w);
  const r = new Float32Array(2 * w);
  for (let i = 0; i < 2 * w; i++) {
    const src = i < w ? da : db;
    const j = i < w ? na - w + i : i - w;
    l[i] = src[2 * j]!;
    r[i] = src[2 * j + 1]!;
  }
  return Math.max(maxStep(l, 1, 2 * w), maxStep(r, 1, 2 * w));
}

export type LogEvent = { type: string; at: number; frame: number; detail: Record<string, unknown> | null };

/** Loads the test page, runs `start` in it, waits for the end of playback and returns capture + log. */
export async function playAndCapture(
  page: Page,
  srv: PageServer,
  start: (p: Page) => Promise<void>,
  timeoutMs = 90_000,
): Promise<{ cap: Capture; log: LogEvent[]; firstFrame: number }> {
  await page.goto(srv.url);
  await page.waitForFunction(() => 'gapless' in window);
  await start(page);
  await page.waitForFunction(
    () => window.gapless.log.some((e) => e.type === 'ended' || e.type === 'error'),
    undefined,
    {
      timeout: timeoutMs,
      polling: 250,
    },
  );
  await page.waitForTimeout(300);
  const raw = await page.evaluate(() => window.gapless.capture());
  const log = (await page.evaluate(() => window.gapless.log)) as LogEvent[];
  const err = log.find((e) => e.type === 'error');
  if (err) throw new Error(`player error: ${JSON.stringify(err.detail)}`);
  return { cap: decodeCapture(raw), log, firstFrame: raw.firstFrame };
}

/** Level (rung index) of the last appended segment of track i and of the first of track i+1. */
export function seamLevels(log: LogEvent[], trackIndex: number): { before: number; after: number } {
  const segs = log.filter((e) => e.type === 'segment' && e.detail && !e.detail.aborted).map((e) => e.detail!);
  const before = segs.filter((d) => d.trackIndex === trackIndex).at(-1)?.level as number;
  const after = segs.find((d) => d.trackIndex === trackIndex + 1 && d.segment === 0)?.level as number;
  return { before, after };
}
