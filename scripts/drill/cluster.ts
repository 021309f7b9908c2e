// A local cluster for fault drills: the services from scripts/services.sh (Redis, MongoDB stand-in,
// versitygw), standalone servers (each with the dev media edge) and workers, each a child process in
// its own process group that we can kill and restart.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadServicesEnv, repoRoot } from '@tonearm/config';

export const ROOT = repoRoot();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export type ServiceName = 'redis' | 'mongo' | 's3' | `redis-c${1 | 2 | 3 | 4 | 5 | 6}`;

export function services(cmd: 'up' | 'down' | 'status' | 'stop' | 'start', name?: ServiceName): string {
  return execFileSync('bash', [join(ROOT, 'scripts', 'services.sh'), cmd, ...(name ? [name] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

export type Proc = { name: string; port?: number; child: ChildProcess; url?: string };

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Each process logs (pino JSON, and anything else it prints) to .data/drill/logs/<name>.log. */
export const LOG_DIR = join(ROOT, '.data', 'drill', 'logs');
function logFile(name: string): number {
  mkdirSync(LOG_DIR, { recursive: true });
  return openSync(join(LOG_DIR, `${name}.log`), 'a');
}

export async function waitHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

// The drill's load comes from one loopback IP and one user: lift the anonymous and per-user limits so
// faults, not rate limiting, decide the statuses (set RATE_LIMITS to drill the limiter itself).
const DRILL_LIMITS = JSON.stringify({ anonymous: { limit: 1_000_000 }, user: { limit: 1_000_000 } });

export async function startServer(name: string, port?: number): Promise<Proc> {
  loadServicesEnv();
  const p = port ?? (await freePort());
  const child = spawn(TSX, [join(ROOT, 'apps', 'server', 'src', 'main.ts')], {
    // Production mode, as deployed: error responses carry no stack traces.
    env: {
      RATE_LIMITS: DRILL_LIMITS,
      ...process.env,
      NODE_ENV: 'production',
      SERVER_PORT: String(p),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', logFile(name), logFile(name)],
    // Own process group: tsx runs the program in a child node process, so signals go to the group.
    detached: true,
  });
  const url = `http://127.0.0.1:${p}`;
  await waitHttp(`${url}/healthz`);
  return { name, port: p, child, url };
}

/** A worker process (every processor of the registry) with its metrics listener on a free port. */
export async function startWorker(name: string): Promise<Proc> {
  loadServicesEnv();
  const port = await freePort();
  const child = spawn(TSX, [join(ROOT, 'packages', 'workers', 'src', 'main.ts')], {
    env: {
      ...process.env,
      LOG_LEVEL: process.env.DRILL_WORKER_LOG ?? 'error',
      WORKER_METRICS_PORT: String(port),
    },
    stdio: ['ignore', logFile(name), logFile(name)],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/readyz`, 60_000);
  return { name, port, child, url };
}

const signalGroup = (p: Proc, signal: NodeJS.Signals) => {
  try {
    if (p.child.pid) process.kill(-p.child.pid, signal);
    else p.child.kill(signal);
  } catch {
    // already gone
  }
};

/** Signals the process group and waits for the process; SIGKILL if a SIGTERM drain takes over 30 s. */
export function kill(p: Proc, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    const hard = signal === 'SIGKILL' ? undefined : setTimeout(() => signalGroup(p, 'SIGKILL'), 30_000);
    p.child.once('exit', () => {
      clearTimeout(hard);
      // Whatever else is left in the group (tsx's node child, ffmpeg) goes too.
      signalGroup(p, 'SIGKILL');
      resolve();
    });
    signalGroup(p, signal);
  });
}

/** Resident memory (MB) of a process group: tsx, its node child and any ffmpeg children. */
export function groupRssMb(p: Proc): number {
  const pgid = p.child.pid;
  let kb = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return Math.round(kb / 1024);
}
