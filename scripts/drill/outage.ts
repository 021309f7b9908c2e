// The shape the dependency drills share: the mixed load (cached reads + play reports) at 150 req/s,
// one service stopped 2 s in and started again `downMs` later, then the plays checked exactly once.
import { type ServiceName, sleep } from './cluster';
import { byId, ensureCluster, restart } from './context';
import { runLoad } from './load';
import { mixed, Plays, snapshotCounters } from './plays';

/** `beforeLoad` runs once the cluster is up and the counters are snapshotted (e.g. document counts). */
export async function restartUnderMixedLoad<T>(
  name: ServiceName,
  { downMs = 5_000, beforeLoad }: { downMs?: number; beforeLoad?: () => Promise<T> } = {},
) {
  const c = await ensureCluster();
  const plays = new Plays();
  await snapshotCounters();
  const before = await beforeLoad?.();
  const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
  let done: Promise<void> = Promise.resolve();
  const r = await runLoad({
    targets: c.urls,
    request: mixed(plays, byId),
    rate: 150,
    total: 2_250,
    onStart: (t0) => {
      done = sleep(2_000).then(() => restart(name, downMs, at, t0));
    },
  });
  await done;
  return { c, r, at, before, verified: await plays.verify(r, c.urls()) };
}
