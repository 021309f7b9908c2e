// The stack exactly as a newcomer starts it: `bash scripts/run.sh` (production mode, persistent
// services, the demo library imported with demo listeners), as its own installation under
// .data/newcomer on free ports. start() waits for the player and, on a fresh installation, for the
// demo import to finish; stop() ends run.sh the way Ctrl-C does; servicesDown() is
// `bash scripts/services.sh down` for that installation.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

/** run.sh's output: a file, so a run started by scripts/test.sh's prestart can be joined later. */
export const RUN_LOG = join(ROOT, '.data', 'newcomer-run.log');

const alive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};
const runPid = () => (existsSync(PID_FILE) ? Number(readFileSync(PID_FILE, 'utf8')) : 0);

/** Starts run.sh in the background, its output going to RUN_LOG; returns at once. */
export function launch(opts: { nice?: number } = {}): void {
  mkdirSync(dirname(RUN_LOG), { recursive: true });
  const out = openSync(RUN_LOG, 'w');
  const [cmd, args] = opts.nice
    ? ['nice', ['-n', String(opts.nice), 'bash', 'scripts/run.sh']]
    : ['bash', ['scripts/run.sh']];
  const proc = spawn(cmd, args, { cwd: ROOT, env: env(), detached: true, stdio: ['ignore', out, out] });
  proc.unref();
  closeSync(out);
  writeFileSync(PID_FILE, String(proc.pid));
}

/** Waits until run.sh's output matches `until`, echoing it; fails if run.sh ends first. */
export async function waitFor(until: RegExp, timeoutMs: number): Promise<string> {
  const pid = runPid();
  const t0 = Date.now();
  let shown = 0;
  for (;;) {
    const output = existsSync(RUN_LOG) ? readFileSync(RUN_LOG, 'utf8') : '';
    if (output.length > shown) {
      process.stdout.write(
        output
          .slice(shown)
          .split('\n')
          .map((l) => (l ? `[run.sh] ${l}` : l))
          .join('\n'),
      );
      shown = output.length;
    }
    if (until.test(output)) return output;
    if (/\[run\] demo library import FAILED/.test(output))
      throw new Error(`run.sh: the demo import failed:\n${output.slice(-3000)}`);
    if (!pid || !alive(pid)) throw new Error(`run.sh is not running (ended?):\n${output.slice(-3000)}`);
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`run.sh: no ${until} after ${timeoutMs} ms:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Whether a run.sh launched earlier (by scripts/test.sh's prestart) is still running. */
export const running = (): boolean => {
  const pid = runPid();
  return pid > 0 && alive(pid);
};

/** Starts run.sh; resolves once its output matches `until` (default: the player serving). */
export async function start(until: RegExp, timeoutMs: number): Promise<string> {
  launch();
  return waitFor(until, timeoutMs);
}

/** Ends run.sh and its apps (SIGTERM to the process group, as Ctrl-C ends it). */
export async function stop(): Promise<void> {
  const pid = runPid();
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
  rmSync(PID_FILE, { force: true });
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
