// A fresh installation: no data, run.sh from the start, until the demo library is imported.
// scripts/test.sh starts that installation early (e2e/newcomer/prestart.ts, at low CPU priority while
// the main Playwright suites run) and sets TONEARM_NEWCOMER_PRESTARTED=1; the setup then joins the
// run already under way instead of starting another.
import { launch, running, servicesDown, stop, waitFor, wipe } from './stack';

const IMPORTED = /\[run\] demo library imported and listened to/;

export default async function globalSetup() {
  const t0 = Date.now();
  if (process.env.TONEARM_NEWCOMER_PRESTARTED === '1' && running()) {
    console.log('[newcomer] joining the fresh installation scripts/test.sh started');
  } else {
    await stop();
    try {
      servicesDown();
    } catch {
      // Nothing was running.
    }
    // TONEARM_NEWCOMER_KEEP=1 keeps the last run's installation (for iterating on the suite: the
    // import then finds everything unchanged); CI always starts from nothing.
    if (process.env.TONEARM_NEWCOMER_KEEP !== '1') wipe();
    launch();
  }
  await waitFor(IMPORTED, 25 * 60_000);
  console.log(
    `[newcomer] fresh run.sh: player serving and demo library imported (${Math.round((Date.now() - t0) / 1000)} s of waiting here)`,
  );
  return async () => {
    await stop();
    servicesDown();
  };
}
