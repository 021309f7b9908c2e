// `pnpm drill [name...]`: fault drills against a local cluster (2 servers with the dev media edge, a
// worker, Redis, the MongoDB stand-in, versitygw) under bounded loopback load. Each prints requests
// sent, errors by status and code, 5xx carrying stack traces, the time to recover, the load average,
// and its own data-loss checks. One scenario per file in ./scenarios; all run when none is named, and
// redis-master only on a Redis Cluster (`TONEARM_REDIS_CLUSTER=1 pnpm drill redis-master`).
// The cluster runs on its own services under .data/drill (Redis AOF, MongoDB H2 file): see ./env.ts.
import './env';
import { disconnectDb } from '@tonearm/db';
import { kill, services } from './cluster';
import { type Drill, queues, rawRedis, started } from './context';
import { load1 } from './load';
import { clusterRunning } from './redis-cluster';
import { mongoDrill } from './scenarios/mongo';
import { queueDrill } from './scenarios/queue';
import { redisDrill } from './scenarios/redis';
import { redisMasterDrill } from './scenarios/redis-master';
import { s3Drill } from './scenarios/s3';
import { s3LongDrill } from './scenarios/s3-long';
import { serverDrill } from './scenarios/server';
import { workerDrill } from './scenarios/worker';

const drills: Drill[] = [
  serverDrill,
  redisDrill,
  mongoDrill,
  s3Drill,
  s3LongDrill,
  workerDrill,
  queueDrill,
  redisMasterDrill,
];

const only = process.argv.slice(2);
const unknown = only.filter((n) => !drills.some((d) => d.name === n));
if (unknown.length) {
  console.error(`unknown drill(s) ${unknown.join(', ')}; known: ${drills.map((d) => d.name).join(', ')}`);
  rawRedis.disconnect();
  await disconnectDb();
  services('down'); // ./env started them
  process.exit(2);
}
console.log(`[drill] services under .data/drill; load average (1 min) ${load1()} at start`);
let failed = false;
for (const d of drills) {
  if (only.length && !only.includes(d.name)) continue;
  // Without names, the Cluster drill runs only when the drill's services include a Cluster.
  if (!only.length && d.name === 'redis-master' && !clusterRunning()) continue;
  try {
    if ((await d.run()) === false) failed = true;
  } catch (e) {
    failed = true;
    console.log(`[drill] ${d.title}: DRILL ERROR ${(e as Error).stack}`);
  }
}
for (const p of started) await kill(p, 'SIGTERM');
await queues.close().catch(() => {});
rawRedis.disconnect();
await disconnectDb();
// The drill's services keep their data (AOF, H2 file) for the next run; stop them: the box is shared.
services('down');
process.exit(failed ? 1 : 0);
