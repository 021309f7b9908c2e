// Starts the newcomer suite's fresh installation ahead of time, for scripts/test.sh: wipes
// .data/newcomer, launches run.sh at nice 10 in the background and returns at once. The demo import
// (CPU-bound transcodes) then runs while the main Playwright suites mostly wait on real-time playback;
// the suite's global setup joins it (TONEARM_NEWCOMER_PRESTARTED=1). The ports come from
// TONEARM_NEWCOMER_PORTS, which test.sh exports for both.
import { launch, ports, servicesDown, stop, wipe } from './stack';

if (!process.env.TONEARM_NEWCOMER_PORTS) throw new Error('prestart: export TONEARM_NEWCOMER_PORTS first');
await stop();
try {
  servicesDown();
} catch {
  // Nothing was running.
}
wipe();
launch({ nice: 10 });
console.log(`[newcomer] fresh installation starting in the background on ${JSON.stringify(ports())}`);
