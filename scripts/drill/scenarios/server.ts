// kill -9 one of two servers under mixed load: the load balancer's connect-retry takes the other.
import { kill, startServer } from '../cluster';
import { byId, cluster, type Drill, ensureCluster, track } from '../context';
import { print, runLoad } from '../load';
import { mixed, Plays, snapshotCounters } from '../plays';

export const serverDrill: Drill = {
  name: 'server',
  title: 'kill -9 one of two servers',
  async run() {
    const c = await ensureCluster();
    const a = c.a;
    const at = { faultAt: 1_000 };
    const plays = new Plays();
    await snapshotCounters();
    setTimeout(() => void kill(a, 'SIGKILL'), at.faultAt);
    const r = await runLoad({ targets: c.urls, request: mixed(plays, byId), rate: 200, total: 1_000 });
    const verified = await plays.verify(r, [c.b.url!]);
    // Bring the cluster back to two servers for the next drills (same port).
    cluster.a = track(await startServer('server-a', a.port));
    print(this.title, r, at, verified);
  },
};
