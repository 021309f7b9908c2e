// A local cluster for fault drills: the services from scripts/services.sh (Redis, MongoDB stand-in,
// versitygw), two standalone servers and a worker, each a child process we can kill and restart.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadServicesEnv, repoRoot } from '@tonearm/config';

export const ROOT = repoRoot();

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

export function services(cmd: 'up' | 'down' | 'status'): string {
  return execFileSync('bash', [join(ROOT, 'scripts', 'services.sh'), cmd], { encoding: 'utf8' });
}

export type Proc = { name: string; port?: number; child: ChildProcess; url?: string };

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export async function waitHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export async function startServer(name: string, port?: number): Promise<Proc> {
  loadServicesEnv();
  const p = port ?? (await freePort());
  const child = spawn(TSX, [join(ROOT, 'apps', 'server', 'src', 'main.ts')], {
    // The drill's load comes from one loopback IP: lift the anonymous per-IP limit so faults, not
    // rate limiting, decide the statuses (set RATE_LIMITS to drill the limiter itself).
    env: {
      RATE_LIMITS: JSON.stringify({ anonymous: { limit: 1_000_000 } }),
      ...process.env,
      SERVER_PORT: String(p),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    // Own process group: tsx runs the program in a child node process, so signals go to the group.
    detached: true,
  });
  const url = `http://127.0.0.1:${p}`;
  await waitHttp(`${url}/healthz`);
  return { name, port: p, child, url };
}

export async function startWorker(name: string): Promise<Proc> {
  loadServicesEnv();
  const child = spawn(TSX, [join(ROOT, 'packages', 'workers', 'src', 'main.ts')], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  return { name, child };
}

export function kill(p: Proc, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    if (p.child.pid) process.kill(-p.child.pid, signal);
    else p.child.kill(signal);
  });
}
