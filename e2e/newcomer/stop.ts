// Stops the newcomer installation (run.sh and its services) if one is still up: scripts/test.sh's
// exit path, for a run whose suite never reached its own teardown.
import { running, servicesDown, stop } from './stack';

if (running()) await stop();
try {
  servicesDown();
} catch {
  // Nothing was running.
}
