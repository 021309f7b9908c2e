// A fresh installation: no data, run.sh from the start, until the demo library is imported.
import { servicesDown, start, stop, wipe } from './stack';

export default async function globalSetup() {
  await stop();
  try {
    servicesDown();
  } catch {
    // Nothing was running.
  }
  // TONEARM_NEWCOMER_KEEP=1 keeps the last run's installation (for iterating on the suite: the
  // import then finds everything unchanged); CI always starts from nothing.
  if (process.env.TONEARM_NEWCOMER_KEEP !== '1') wipe();
  const t0 = Date.now();
  await start(/\[run\] demo library imported and listened to/, 25 * 60_000);
  console.log(
    `[newcomer] fresh run.sh: player serving and demo library imported in ${Math.round((Date.now() - t0) / 1000)} s`,
  );
  return async () => {
    await stop();
    servicesDown();
  };
}
