// The Redis Cluster side of `pnpm drill redis-master` (TONEARM_REDIS_CLUSTER=1): which node masters a
// key's slot, a SIGKILL of that node, and the wait for its replica's promotion, read from the
// surviving nodes' CLUSTER NODES. The nodes are services.sh's redis-c1..redis-c6 under .data/drill.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, sleep } from './cluster';

const SVC = join(ROOT, '.data', 'drill', 'services');
export const CLUSTER_NODES = [
  'redis-c1',
  'redis-c2',
  'redis-c3',
  'redis-c4',
  'redis-c5',
  'redis-c6',
] as const;
export type ClusterNodeName = (typeof CLUSTER_NODES)[number];

const portOf = (n: ClusterNodeName) => Number(readFileSync(join(SVC, n, 'port'), 'utf8').trim());
const cli = (port: number, ...args: string[]) =>
  execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 2_000 });

const cliAsync = async (port: number, ...args: string[]) =>
  (
    await promisify(execFile)('redis-cli', ['-p', String(port), ...args], {
      encoding: 'utf8',
      timeout: 2_000,
    })
  ).stdout;

export function clusterRunning(): boolean {
  return CLUSTER_NODES.every((n) => existsSync(join(SVC, n, 'port')));
}

/** The master serving `key`'s slot, as any live node other than `except` sees it. */
export function masterOf(key: string, except?: ClusterNodeName): ClusterNodeName | null {
  for (const asked of CLUSTER_NODES) {
    if (asked === except) continue;
    try {
      const slot = Number(cli(portOf(asked), 'cluster', 'keyslot', key).trim());
      const m = masterIn(cli(portOf(asked), 'cluster', 'nodes'), slot);
      if (m) return m;
    } catch {
      // that node is down too: ask the next
    }
  }
  return null;
}

/**
 * The same without blocking the event loop (the load generator runs on it): execFileSync of
 * redis-cli every 100 ms stalled the drill's own requests on a loaded machine.
 */
async function masterOfAsync(key: string, except?: ClusterNodeName): Promise<ClusterNodeName | null> {
  for (const asked of CLUSTER_NODES) {
    if (asked === except) continue;
    try {
      const slot = Number((await cliAsync(portOf(asked), 'cluster', 'keyslot', key)).trim());
      const m = masterIn(await cliAsync(portOf(asked), 'cluster', 'nodes'), slot);
      if (m) return m;
    } catch {
      // that node is down too: ask the next
    }
  }
  return null;
}

/** Which node CLUSTER NODES output shows as the live master of `slot`. */
function masterIn(nodes: string, slot: number): ClusterNodeName | null {
  for (const line of nodes.split('\n')) {
    const f = line.split(' ');
    if (!f[2]?.includes('master') || f[2].includes('fail')) continue;
    const serves = f.slice(8).some((r) => {
      const [a, b] = r.split('-').map(Number);
      return a !== undefined && slot >= a && slot <= (b ?? a);
    });
    if (!serves) continue;
    const port = Number(f[1]?.split('@')[0]?.split(':')[1]);
    return CLUSTER_NODES.find((n) => portOf(n) === port) ?? null;
  }
  return null;
}

/** SIGKILL of a node's process group (no shutdown, no goodbye to the cluster). */
export function killNode(n: ClusterNodeName): void {
  const pid = Number(readFileSync(join(SVC, n, 'pid'), 'utf8').trim());
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    process.kill(pid, 'SIGKILL');
  }
}

/** Waits until a node other than `dead` masters `key`'s slot; returns it and the wait (ms). */
export async function waitPromotion(key: string, dead: ClusterNodeName, timeoutMs = 30_000) {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    const m = await masterOfAsync(key, dead);
    if (m && m !== dead) return { master: m, ms: Math.round(performance.now() - t0) };
    await sleep(100);
  }
  return { master: null, ms: Number.POSITIVE_INFINITY };
}

/** A node's role as the cluster sees it (after it came back). */
export function roleOf(n: ClusterNodeName): string {
  try {
    return /^role:(\w+)/m.exec(cli(portOf(n), 'info', 'replication'))?.[1] ?? 'unknown';
  } catch {
    return 'down';
  }
}

/** Which of the drill's notable keys (BullMQ, sessions' and caches' slots, socket.io's channel) a master serves. */
export function keysServedBy(n: ClusterNodeName): string[] {
  const notable = ['{bull}', 'socket.io#/#', 'listeners:streaming'];
  return notable.filter((k) => masterOf(k) === n);
}
