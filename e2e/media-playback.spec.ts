// hls.js in Debian Chromium plays a song the real pipeline transcoded, through the server's
// CloudFront-verifying edge: playback advances, and under an emulated slow network ABR settles on the
// lowest rendition, then climbs when the throttle lifts. The page is a bare test page (the real player
// UI is the web app's): hls.js from node_modules, the shared audio config from @tonearm/media.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { AUDIO_HLS_CONFIG, signedXhrSetup } from '../packages/media/src/hls-config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './lib/chromium';

const serverPort = Number(process.env.SERVER_PORT ?? 18001);
const webPort = Number(process.env.WEB_PORT ?? 18002);
const serverUrl = `http://127.0.0.1:${serverPort}`;
// The page lives on the web player's origin, so media requests to the edge are cross-origin (CORS).
const pageUrl = `http://127.0.0.1:${webPort}/__media-playback-test`;
const root = join(import.meta.dirname, '..');
const hlsJs = readFileSync(
  join(createRequire(join(root, 'packages/media/package.json')).resolve('hls.js'), '..', 'hls.min.js'),
  'utf8',
);

type HlsLike = {
  currentLevel: number;
  levels: { bitrate: number }[];
  on(event: string, cb: (e: unknown, data: never) => void): void;
  attachMedia(el: HTMLMediaElement): void;
  loadSource(url: string): void;
};
/** What the test page keeps on window. */
type PageWin = {
  Hls: { new (config: object): HlsLike; isSupported(): boolean; Events: Record<string, string> };
  hls: HlsLike;
  frags: number[];
  errors: string[];
  firstAudioMs: number;
};

type Grant = { masterUrl: string; signedQuery: string; gapless: { renditions: { name: string }[] } };
let song: { id: string };
let cookie: string;

test.describe.configure({ mode: 'serial' });
// A page fulfilled by page.route has no real address, so Chromium's Local Network Access treats it as
// public and blocks its requests to loopback; the real player, served from loopback, is not affected.
test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults',
    ],
  },
});

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // The real pipeline makes a 90 s song (cached once ready); the session belongs to a demo user.
  const out = execFileSync(
    'pnpm',
    ['-s', 'exec', 'tsx', 'scripts/demo-media.ts', '--count', '1', '--seconds', '90', '--json', '--session'],
    {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        SERVER_PORT: String(serverPort),
        PUBLIC_SERVER_URL: serverUrl,
        LOG_LEVEL: 'warn',
      },
    },
  );
  const parsed = JSON.parse(out.trim().split('\n').at(-1)!) as {
    songs: { id: string }[];
    sessionCookie: string;
  };
  song = parsed.songs[0]!;
  cookie = parsed.sessionCookie;
});

async function startPlayback(): Promise<Grant> {
  const r = await fetch(`${serverUrl}/trpc/playback.start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ songId: song.id }),
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { result: { data: Grant } }).result.data;
}

async function openPlayer(page: Page) {
  await page.route(pageUrl, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><title>media test</title><audio id="a"></audio><script src="/__hls.js"></script>',
    }),
  );
  await page.route(`http://127.0.0.1:${webPort}/__hls.js`, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: hlsJs }),
  );
  await page.goto(pageUrl);
}

/** Starts hls.js on the page with the shared config; records the level of every fragment loaded. */
async function play(page: Page, grant: Grant) {
  await page.evaluate(
    ({ masterUrl, query, config, setupSrc }) => {
      const w = window as unknown as PageWin;
      if (!w.Hls.isSupported()) throw new Error('hls.js unsupported (MSE missing)');
      const audio = document.getElementById('a') as HTMLAudioElement;
      const makeSetup = new Function(`return (${setupSrc})`)() as (q: string) => unknown;
      const hls = new w.Hls({ ...config, xhrSetup: makeSetup(query) });
      const frags: number[] = [];
      const errors: string[] = [];
      w.hls = hls;
      w.frags = frags;
      w.errors = errors;
      hls.on(
        w.Hls.Events.FRAG_LOADED!,
        (_e: unknown, d: { frag: { level: number; sn: number | string } }) => {
          if (typeof d.frag.sn === 'number') frags.push(d.frag.level);
        },
      );
      hls.on(w.Hls.Events.ERROR!, (_e: unknown, d: { details: string; fatal: boolean }) => {
        errors.push(`${d.details}${d.fatal ? ' (fatal)' : ''}`);
      });
      hls.attachMedia(audio);
      hls.loadSource(masterUrl);
      const t0 = performance.now();
      audio.addEventListener('playing', () => (w.firstAudioMs = performance.now() - t0), { once: true });
      void audio.play();
    },
    {
      masterUrl: grant.masterUrl,
      query: grant.signedQuery,
      config: AUDIO_HLS_CONFIG,
      setupSrc: signedXhrSetup.toString(),
    },
  );
}

const pageState = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as PageWin;
    const a = document.getElementById('a') as HTMLAudioElement;
    return {
      t: a.currentTime,
      paused: a.paused,
      frags: w.frags,
      errors: w.errors,
      level: w.hls?.currentLevel,
    };
  });

test('hls.js plays a transcoded song through the signed edge', async ({ page }) => {
  test.setTimeout(90_000);
  page.on('console', (m) => console.log(`[page] ${m.text()}`));
  const grant = await startPlayback();
  expect(grant.gapless.renditions.length).toBeGreaterThanOrEqual(4);
  await openPlayer(page);
  await play(page, grant);
  await page
    .waitForFunction(() => (document.getElementById('a') as HTMLAudioElement).currentTime > 3, null, {
      timeout: 60_000,
    })
    .catch(async (e) => {
      throw new Error(`${e}\n${JSON.stringify(await pageState(page))}`);
    });
  const state = await page.evaluate(() => {
    const w = window as unknown as PageWin;
    return {
      levels: w.hls.levels.length,
      errors: w.errors as string[],
      firstAudioMs: w.firstAudioMs as number,
    };
  });
  expect(state.levels).toBe(grant.gapless.renditions.length);
  expect(state.errors.filter((e) => e.includes('fatal'))).toEqual([]);
  console.log(`time to first audio (loopback): ${state.firstAudioMs.toFixed(0)} ms`);
});

test('under a slow network ABR settles on the lowest rendition and climbs once it lifts', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const grant = await startPlayback();
  await openPlayer(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // 100 kbit/s: only the 64k rung (66 kbit/s peak) fits.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: 100_000 / 8,
    uploadThroughput: -1,
  });
  await play(page, grant);
  await page.waitForFunction(() => ((window as unknown as PageWin).frags as number[]).length >= 3, null, {
    timeout: 120_000,
  });
  const throttled = await page.evaluate(() => ({
    frags: [...((window as unknown as PageWin).frags as number[])],
    current: (window as unknown as PageWin).hls.currentLevel as number,
    bitrate: (window as unknown as PageWin).hls.levels[(window as unknown as PageWin).hls.currentLevel]
      ?.bitrate as number,
  }));
  // Settled: the latest fragments and the playing level are the lowest rung.
  expect(throttled.frags.slice(-2)).toEqual([0, 0]);
  expect(throttled.current).toBe(0);
  expect(throttled.bitrate).toBeLessThan(100_000);

  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const n = throttled.frags.length;
  await page.waitForFunction(
    (k) => ((window as unknown as PageWin).frags as number[]).slice(k).some((l) => l > 0),
    n,
    {
      timeout: 60_000,
    },
  );
  const after = await page.evaluate(() => ({
    frags: [...((window as unknown as PageWin).frags as number[])],
    errors: (window as unknown as PageWin).errors as string[],
  }));
  expect(Math.max(...after.frags.slice(n))).toBeGreaterThan(0);
  expect(after.errors.filter((e) => e.includes('fatal'))).toEqual([]);
  console.log(
    `fragment levels: throttled ${throttled.frags.join(',')} → lifted ${after.frags.slice(n).join(',')}`,
  );
});
