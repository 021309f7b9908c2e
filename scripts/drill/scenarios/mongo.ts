// Restart the MongoDB stand-in (H2 file) for 5 s under mixed load: no document and no play lost.
import { sleep } from '../cluster';
import { byId, type Drill, docCounts, ensureCluster, readyz, restart } from '../context';
import { print, runLoad } from '../load';
import { mixed, Plays, snapshotCounters } from '../plays';

export const mongoDrill: Drill = {
  name: 'mongo',
  title: 'restart MongoDB (stand-in, H2 file; stop, 5 s down, start on the same port)',
  async run() {
    const c = await ensureCluster();
    const plays = new Plays();
    await snapshotCounters();
    const before = await docCounts();
    const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
    let done: Promise<void> = Promise.resolve();
    const r = await runLoad({
      targets: c.urls,
      request: mixed(plays, byId),
      rate: 150,
      total: 2_250,
      onStart: (t0) => {
        done = sleep(2_000).then(() => restart('mongo', 5_000, at, t0));
      },
    });
    await done;
    const verified = await plays.verify(r, c.urls());
    const after = await docCounts();
    print(this.title, r, at, {
      ...verified,
      'documents before → after (users, songs, play events)': `${before.join('/')} → ${after.join('/')}`,
      'processes restarted by hand': 'none',
      'worker ready after': await readyz(c.w),
    });
  },
};
