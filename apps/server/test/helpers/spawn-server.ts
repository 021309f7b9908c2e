// Starts the real server entry point (src/main.ts) as a child process on a free port and returns
// its URL, its log lines and a way to signal it. Used by the multi-process and SIGTERM tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
};

const appDir = join(import.meta.dirname, '..', '..');
const workersDir = join(appDir, '..', '..', 'packages', 'workers');

/** One BullMQ prefix per test file: its server and worker never take another file's jobs. */
export const FILE_QUEUE_PREFIX = `bq${process.pid}`;

export function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  return spawnEntry(appDir, { SERVER_PORT: '0', ...env });
}

/** The worker process (packages/workers/src/main.ts) with its /metrics listener on a free port. */
export function spawnWorker(env: Record<string, string>): Promise<ServerProcess> {
  return spawnEntry(workersDir, { WORKER_METRICS_PORT: '0', ...env });
}

async function spawnEntry(cwd: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      TONEARM_QUEUE_PREFIX: FILE_QUEUE_PREFIX,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (b) => {
    stderr += String(b);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (b) => {
      buf += String(b);
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        i = buf.indexOf('\n');
        try {
          const rec = JSON.parse(line) as Record<string, unknown>;
          logs.push(rec);
          if (typeof rec['server.port'] === 'number') {
            clearTimeout(timer);
            resolve(`http://127.0.0.1:${rec['server.port']}`);
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  return {
    url,
    child,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
