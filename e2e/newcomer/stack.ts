// The stack exactly as a newcomer starts it: `bash scripts/run.sh` (production mode, persistent
// services, the demo library imported with demo listeners), as its own installation under
// .data/newcomer on free ports. start() waits for the player and, on a fresh installation, for the
// demo import to finish; stop() ends run.sh the way Ctrl-C does; servicesDown() is
// `bash scripts/services.sh down` for that installation.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const DATA = join(ROOT, '.data', 'newcomer');
const PID_FILE = join(ROOT, '.data', 'newcomer-run.pid');

export type Ports = { server: number; web: number };

const freePort = () =>
  Number(
    execFileSync(
      'python3',
      ['-c', 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'],
      {
        encoding: 'utf8',
      },
    ).trim(),
  );

/** Ports of the newcomer stack: chosen once by the runner's config load, inherited by its workers. */
export function ports(): Ports {
  if (!process.env.TONEARM_NEWCOMER_PORTS) {
    process.env.TONEARM_NEWCOMER_PORTS = JSON.stringify({ server: freePort(), web: freePort() });
  }
  return JSON.parse(process.env.TONEARM_NEWCOMER_PORTS) as Ports;
}

const env = () => ({
  ...process.env,
  NODE_ENV: 'production',
  TONEARM_DATA_DIR: DATA,
  TONEARM_SERVICES_ENV: join(DATA, 'services.env'),
  SERVER_PORT: String(ports().server),
  WEB_PORT: String(ports().web),
  PUBLIC_SERVER_URL: `http://127.0.0.1:${ports().server}`,
  // scripts/test.sh built the web app just before; run.sh would build the same thing again.
  TONEARM_SKIP_BUILD: process.env.TONEARM_SKIP_BUILD ?? '1',
  // The newcomer stack keeps run.sh's own defaults: no roomy test rate limits, no test mode.
  RATE_LIMITS: '',
  TONEARM_PERSIST: '',
  TONEARM_MONGO_PERSIST: '',
  TONEARM_REDIS_PERSIST: '',
});

let proc: ChildProcess | null = null;
let output = '';

/** Starts run.sh; resolves once its output matches `until` (default: the player serving). */
export async function start(until: RegExp, timeoutMs: number): Promise<string> {
  output = '';
  proc = spawn('bash', ['scripts/run.sh'], {
    cwd: ROOT,
    env: env(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  writeFileSync(PID_FILE, String(proc.pid));
  const onData = (d: Buffer) => {
    output += d.toString();
    process.stdout.write(`[run.sh] ${d.toString()}`);
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const t0 = Date.now();
  while (!until.test(output)) {
    if (proc.exitCode !== null) throw new Error(`run.sh exited ${proc.exitCode}:\n${output.slice(-3000)}`);
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`run.sh: no ${until} after ${timeoutMs} ms:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return output;
}

/** Ends run.sh and its apps (SIGTERM to the process group, as Ctrl-C ends it). */
export async function stop(): Promise<void> {
  const pid = proc?.pid ?? (existsSync(PID_FILE) ? Number(readFileSync(PID_FILE, 'utf8')) : 0);
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Gone.
  }
  proc = null;
}

export function servicesDown(): void {
  execFileSync('bash', ['scripts/services.sh', 'down'], { cwd: ROOT, env: env(), stdio: 'inherit' });
}

export function wipe(): void {
  rmSync(DATA, { recursive: true, force: true });
}

/** The newcomer installation's MongoDB, from its services.env. */
export function mongoUri(): string {
  const line = readFileSync(join(DATA, 'services.env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('MONGODB_URI='));
  if (!line) throw new Error('no MONGODB_URI in the newcomer services.env');
  return line.slice('MONGODB_URI='.length);
}
