// Dev probe: plays a queue through the engine and prints the event log (frames are context frames).
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, playAndCapture, startPageServer, trackInputs } from './harness';

const srv = await startPageServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage();
page.on('console', (m) => console.log('page:', m.text()));
const ids = (process.argv[2] ?? 'album-t1,album-t2,album-t3').split(',');
const opts = JSON.parse(process.argv[3] ?? '{}');
const tracks = trackInputs(srv, ids);
const { cap, log, firstFrame } = await playAndCapture(page, srv, (p) =>
  p.evaluate(([t, o]) => window.gapless.runEngine(t, o), [tracks, opts] as const),
);
for (const e of log)
  if (e.type !== 'segment') console.log(e.type, e.frame, JSON.stringify(e.detail).slice(0, 160));
console.log('capture firstFrame', firstFrame, 'samples', cap.l.length);
await browser.close();
await srv.close();
