// Real server processes for multi-process tests and benchmarks: `tsx apps/server/src/main.ts` on a
// free loopback port, with the environment the caller gives (database, TTLs), ready once /readyz
// answers 200. Stop with stop() (SIGTERM, graceful) or kill() (SIGKILL, a crash).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '@tonearm/config';

export type ServerProcess = {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed, for assertion messages. */
  output(): string;
  stop(): Promise<void>;
  kill(): Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startServerProcess(
  env: Record<string, string>,
  opts: { timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const root = repoRoot();
  const port = await freePort();
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'apps/server/src/main.ts')], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, SERVER_PORT: String(port), SERVER_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: tsx runs the server in a child node process, and a SIGKILL cannot be relayed,
    // so signals go to the whole group.
    detached: true,
  });
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {}
  };
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      signal('SIGKILL');
      throw new Error(`server not ready on ${url}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => out,
    async stop() {
      signal('SIGTERM');
      await exited;
    },
    async kill() {
      signal('SIGKILL');
      await exited;
    },
  };
}
