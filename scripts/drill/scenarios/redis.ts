// Restart the single Redis node (AOF) for 5 s under mixed load: 503s while it is away, no play lost.
import { sleep } from '../cluster';
import { byId, type Drill, ensureCluster, readyz, restart } from '../context';
import { print, runLoad } from '../load';
import { mixed, Plays, snapshotCounters } from '../plays';

export const redisDrill: Drill = {
  name: 'redis',
  title: 'restart Redis (stop, 5 s down, start on the same port)',
  async run() {
    const c = await ensureCluster();
    const plays = new Plays();
    await snapshotCounters();
    const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
    let done: Promise<void> = Promise.resolve();
    const r = await runLoad({
      targets: c.urls,
      request: mixed(plays, byId),
      rate: 150,
      total: 2_250,
      onStart: (t0) => {
        done = sleep(2_000).then(() => restart('redis', 5_000, at, t0));
      },
    });
    await done;
    print(this.title, r, at, {
      ...(await plays.verify(r, c.urls())),
      'processes restarted by hand': 'none',
      'worker ready after': await readyz(c.w),
    });
  },
};
