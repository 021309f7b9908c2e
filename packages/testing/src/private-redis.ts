// Redis servers of a test's own, for tests that pause or kill Redis (a failover, a hung server): the
// shared services Redis and Cluster must not be disturbed, since other test files run beside them.
// Real redis-server processes on free loopback ports, in memory, under a temporary directory; stop()
// kills them and removes the directory.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** redis-cli against one port; rejects on a non-zero exit or after 5 s. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 5_000 })).stdout;
}

export type RedisNode = { port: number; dir: string; child: ChildProcess; kill(): void };

async function startNode(root: string, name: string, extra: string[]): Promise<RedisNode> {
  const port = await freePort();
  const dir = join(root, name);
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      root,
      ...extra,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    if ((await redisCli(port, 'ping').catch(() => '')).trim() === 'PONG') break;
    await sleep(50);
  }
  return { port, dir, child, kill: () => child.kill('SIGKILL') };
}

export type PrivateRedis = { url: string; node: RedisNode; stop(): Promise<void> };

/** One redis-server of the test's own. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const root = mkdtempSync(join(tmpdir(), 'tonearm-redis-'));
  const node = await startNode(root, 'n', []);
  return {
    url: `redis://127.0.0.1:${node.port}`,
    node,
    async stop() {
      node.kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export type PrivateCluster = {
  /** Seeds as REDIS_CLUSTER_NODES takes them. */
  seeds: { host: string; port: number }[];
  nodes: RedisNode[];
  /** The node that masters `key`'s slot, as the live nodes see it now. */
  masterOf(key: string): Promise<RedisNode>;
  /** A replica of `master` (by CLUSTER NODES). */
  replicaOf(master: RedisNode): Promise<RedisNode>;
  /** Resolves once `node` masters `key`'s slot as every live node sees it. */
  waitMasterOf(key: string, node: RedisNode, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

type NodeLine = { id: string; port: number; flags: string; masterId: string; slots: [number, number][] };
function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.split(' ');
      return {
        id: f[0]!,
        port: Number(f[1]!.split('@')[0]!.split(':')[1]),
        flags: f[2]!,
        masterId: f[3]!,
        slots: f
          .slice(8)
          .filter((r) => /^\d/.test(r))
          .map((r) => {
            const [a, b] = r.split('-').map(Number);
            return [a!, b ?? a!] as [number, number];
          }),
      };
    });
}

/**
 * Three masters with one replica each (cluster-node-timeout 2 s, as services.sh's), created by
 * `redis-cli --cluster create`; resolves once every slot is served and every replica is attached.
 */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const root = mkdtempSync(join(tmpdir(), 'tonearm-cluster-'));
  const nodes: RedisNode[] = [];
  for (let i = 0; i < 6; i++) {
    const name = `n${i}`;
    nodes.push(
      await startNode(root, name, [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(root, `${name}.conf`),
        '--cluster-node-timeout',
        '2000',
      ]),
    );
  }
  await run(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ],
    { timeout: 30_000 },
  );
  const live = () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  const view = async (n: RedisNode) => parseNodes(await redisCli(n.port, 'cluster', 'nodes'));
  // Ready when every node sees every slot served and all three replicas attached to their masters.
  const settled = async (n: RedisNode) => {
    const info = await redisCli(n.port, 'cluster', 'info').catch(() => '');
    const lines = await view(n).catch(() => []);
    const masters = new Set(lines.filter((l) => l.flags.includes('master')).map((l) => l.id));
    return (
      info.includes('cluster_state:ok') &&
      lines.filter((l) => l.flags.includes('slave') && masters.has(l.masterId)).length === 3
    );
  };
  for (let i = 0; i < 300; i++) {
    if ((await Promise.all(nodes.map(settled))).every(Boolean)) break;
    await sleep(100);
  }
  const byPort = (port: number) => nodes.find((n) => n.port === port)!;
  const slotOf = async (key: string) =>
    Number((await redisCli(live()[0]!.port, 'cluster', 'keyslot', key)).trim());
  const masterIn = (lines: NodeLine[], slot: number) =>
    lines.find(
      (l) =>
        l.flags.includes('master') &&
        !l.flags.includes('fail') &&
        l.slots.some(([a, b]) => slot >= a && slot <= b),
    );
  return {
    seeds: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    nodes,
    async masterOf(key) {
      const m = masterIn(await view(live()[0]!), await slotOf(key));
      if (!m) throw new Error(`no master serves ${key}`);
      return byPort(m.port);
    },
    async replicaOf(master) {
      const lines = await view(master);
      const id = lines.find((l) => l.flags.includes('myself'))!.id;
      const r = lines.find((l) => l.masterId === id);
      if (!r) throw new Error(`no replica of ${master.port}`);
      return byPort(r.port);
    },
    async waitMasterOf(key, node, timeoutMs = 15_000) {
      const slot = await slotOf(key);
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const views = await Promise.all(live().map((n) => view(n).catch(() => [])));
        if (views.every((v) => masterIn(v, slot)?.port === node.port)) return;
        await sleep(50);
      }
      throw new Error(`${node.port} does not master ${key} after ${timeoutMs} ms`);
    },
    async stop() {
      for (const n of nodes) n.kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
