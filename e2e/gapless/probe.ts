// Dev probe: plays the album through the engine and prints the seam figures.
import { chromium } from '@playwright/test';
import { measureSeams } from './analysis';
import {
  albumReference,
  CHROMIUM_ARGS,
  decodeCapture,
  type RawCapture,
  startPageServer,
  trackInputs,
} from './harness';

const srv = await startPageServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage();
page.on('console', (m) => console.log('page:', m.text()));
await page.goto(srv.url);
await page.waitForFunction(() => 'gapless' in window);
const mode = process.argv[2] ?? 'engine';
if (mode === 'engine') {
  const tracks = trackInputs(srv, ['album-t1', 'album-t2', 'album-t3']);
  await page.evaluate((t) => window.gapless.runEngine(t, { bufferAheadSeconds: 5 }), tracks);
} else {
  const { rungUrls } = await import('./harness');
  await page.evaluate(
    (t) => window.gapless.runNaive(t),
    rungUrls(srv, ['album-t1', 'album-t2', 'album-t3'], '320k'),
  );
}
await page.waitForFunction(
  () => window.gapless.log.some((e) => e.type === 'ended' || e.type === 'error'),
  null,
  {
    timeout: 60_000,
    polling: 250,
  },
);
await page.waitForTimeout(300);
const raw = (await page.evaluate(() => window.gapless.capture())) as RawCapture;
console.log(
  JSON.stringify(
    await page.evaluate(() => window.gapless.log.filter((e) => e.type !== 'segment' || true)),
    null,
    0,
  ).slice(0, 3000),
);
const cap = decodeCapture(raw);
console.log('captured', cap.l.length, 'samples', raw.sampleRate, raw.contextState);
const ref = albumReference();
console.log(JSON.stringify(measureSeams(cap, ref, ref.cuts, cap.sampleRate), null, 1));
await browser.close();
await srv.close();
