// Fill the stats queue faster than the worker drains it: no play lost, memory bounded.

import { groupRssMb } from '../cluster';
import { cluster, type Drill, ensureCluster, queues, redisMb } from '../context';
import { print, runLoad } from '../load';
import { Plays, snapshotCounters } from '../plays';

export const queueDrill: Drill = {
  name: 'queue',
  title: 'fill the stats queue faster than the worker drains it (play.report at 200/s for 20 s)',
  async run() {
    const c = await ensureCluster();
    const plays = new Plays();
    await snapshotCounters();
    const peak = { waiting: 0, redisMb: 0, workerRssMb: 0 };
    const redisBefore = await redisMb();
    const sampler = setInterval(async () => {
      const n = await queues
        .get('stats')
        .getWaitingCount()
        .catch(() => 0);
      peak.waiting = Math.max(peak.waiting, n);
      peak.redisMb = Math.max(peak.redisMb, await redisMb());
      peak.workerRssMb = Math.max(peak.workerRssMb, groupRssMb(cluster.w!));
    }, 250);
    const r = await runLoad({ targets: c.urls, request: (i) => plays.request(i), rate: 200, total: 4_000 });
    const verified = await plays.verify(r, c.urls());
    clearInterval(sampler);
    print(
      this.title,
      r,
      { faultAt: 0 },
      {
        ...verified,
        'peak stats queue waiting': peak.waiting,
        'Redis used memory MB (before → peak)': `${redisBefore} → ${peak.redisMb}`,
        'worker RSS MB (peak, incl. children)': peak.workerRssMb,
      },
    );
  },
};
