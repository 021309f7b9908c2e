// `TONEARM_REDIS_CLUSTER=1 pnpm drill redis-master`: SIGKILL of the Redis Cluster master serving
// BullMQ's slot ({bull}) under mixed load, its replica promoted by the cluster, no Tonearm process
// restarted. Asserts recovery per request kind (cached song.byId reads, play.report, socket.io
// presence fan-out between the two servers): every request started RECOVERY_BOUND_MS after the
// promotion (seen in the surviving nodes' CLUSTER NODES) succeeds, and every play reported is
// accepted and counted exactly once. Light by default (DRILL_RATE=40 req/s for DRILL_SECONDS=22 s):
// the box is shared. DRILL_VICTIM_KEY kills the master of another key's slot instead.
// DRILL_CONTROL=1 runs the same load and checks without killing anything (the "promotion" is then
// taken 4 s after the would-be kill): a baseline telling the machine's own failures from the fault's.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '@tonearm/config';
import { QUEUE_PREFIX } from '@tonearm/queue';
import { services, sleep } from '../cluster';
import { byId, type Drill, ensureCluster, rawRedis, readyz } from '../context';
import { load1, print, recoveryByKind, runLoad, type Sample, timeline } from '../load';
import { mixed, Plays, snapshotCounters } from '../plays';
import { clusterRunning, keysServedBy, killNode, masterOf, roleOf, waitPromotion } from '../redis-cluster';
import { socketProbe } from '../socket-probe';

/** Every request kind must succeed again this long after the promotion. */
export const RECOVERY_BOUND_MS = 5_000;

export const redisMasterDrill: Drill = {
  name: 'redis-master',
  title: 'kill -9 the Redis Cluster master of the BullMQ slot (replica promoted, no restart)',
  async run() {
    if (!clusterRunning())
      throw new Error('no Redis Cluster: run TONEARM_REDIS_CLUSTER=1 pnpm drill redis-master');
    const c = await ensureCluster();
    const key = process.env.DRILL_VICTIM_KEY ?? QUEUE_PREFIX;
    const victim = masterOf(key);
    if (!victim) throw new Error(`no master serves ${key}`);
    const rate = Number(process.env.DRILL_RATE ?? 40);
    const seconds = Number(process.env.DRILL_SECONDS ?? 22);
    const control = process.env.DRILL_CONTROL === '1';
    const served = keysServedBy(victim);
    const plays = new Plays();
    await snapshotCounters();
    const probe = await socketProbe(rawRedis, c.a.url!, c.b.url!);
    const pids = [c.a, c.b, c.w].map((p) => p.child.pid);
    const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
    let promoted: Promise<{ master: string | null; ms: number }> = Promise.resolve({ master: null, ms: 0 });
    const socketSamples: Sample[] = [];
    let socketDone: Promise<void> = Promise.resolve();
    const r = await runLoad({
      targets: c.urls,
      request: mixed(plays, byId),
      rate,
      total: rate * seconds,
      onStart: (t0) => {
        socketDone = probe.run(t0, seconds * 1000, 700, socketSamples);
        promoted = sleep(3_000).then(async () => {
          if (control) {
            at.faultAt = performance.now() - t0;
            await sleep(4_000);
            at.restoredAt = performance.now() - t0;
            return { master: null, ms: 0 };
          }
          killNode(victim);
          at.faultAt = performance.now() - t0;
          return waitPromotion(key, victim).then((p) => {
            at.restoredAt = performance.now() - t0;
            return p;
          });
        });
      },
    });
    const p = await promoted;
    await socketDone;
    probe.close();
    r.samples.push(...socketSamples);
    // Every sample, for a timeline of what failed when (.data/drill/redis-master-samples.json).
    writeFileSync(
      join(repoRoot(), '.data', 'drill', 'redis-master-samples.json'),
      JSON.stringify({ at, samples: r.samples.map(({ body: _b, ...x }) => x) }),
    );
    const verified = await plays.verify(r, c.urls());
    const promotedAt = at.restoredAt ?? Number.POSITIVE_INFINITY;
    const kinds = recoveryByKind(r.samples, promotedAt, RECOVERY_BOUND_MS);
    // The killed node comes back (same port, its nodes.conf) and rejoins as a replica.
    if (!control) {
      services('start', victim);
      await sleep(3_000);
    }
    const restarted = [c.a, c.b, c.w].filter((x, k) => x.child.exitCode !== null || x.child.pid !== pids[k]);
    const title =
      key === QUEUE_PREFIX
        ? this.title
        : `kill -9 the Redis Cluster master of the slot of ${key} (replica promoted, no restart)`;
    print(control ? `CONTROL RUN, nothing killed: ${title}` : title, r, at, {
      'killed master': `${control ? 'none (control run); would have been ' : ''}${victim} (serving ${served.join(', ') || 'none of {bull}, socket.io#/#, listeners:streaming'})`,
      'replica promoted': control ? 'none (control run)' : `${p.master} after ${p.ms} ms`,
      load: `${rate} req/s for ${seconds} s + socket.io presence every 700 ms; load average (1 min) ${load1()}`,
      ...verified,
      'old master back as': roleOf(victim),
      'processes restarted': restarted.length ? restarted.map((x) => x.name).join(', ') : 'none',
      'worker ready after': await readyz(c.w),
    });
    console.log(
      timeline(r, {
        kill: at.faultAt,
        promoted: promotedAt,
        [`bound (+${RECOVERY_BOUND_MS / 1000} s)`]: promotedAt + RECOVERY_BOUND_MS,
      }),
    );
    for (const k of kinds)
      console.log(
        `  ${k.recovered ? 'RECOVERED' : 'NOT RECOVERED'} ${k.kind}: ` +
          (k.failuresAfter
            ? `last failure started ${(Math.abs(k.ms) / 1000).toFixed(2)} s ${k.ms < 0 ? 'before' : 'after'} the promotion (${k.failuresAfter} failed or ended after it)`
            : 'no failure after the promotion') +
          `; ${k.afterBound} requests from +${RECOVERY_BOUND_MS / 1000} s on, ${k.failedAfterBound ? `${k.failedAfterBound} of them failed` : k.recovered ? 'all succeeded' : 'all succeeded, but fewer than 5 to judge by (run longer: DRILL_SECONDS)'}`,
      );
    const ok = kinds.every((k) => k.recovered) && verified.exactlyOnce && restarted.length === 0;
    console.log(
      `  verdict: ${ok ? 'RECOVERED' : 'NOT RECOVERED'} (bound ${RECOVERY_BOUND_MS / 1000} s after the promotion; plays exactly once: ${verified.exactlyOnce})`,
    );
    return ok;
  },
};
