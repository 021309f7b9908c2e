// Process shutdown hooks. Whatever holds long-lived clients (the socket.io attach function, SSE
// streams...) registers a hook here; the process's SIGTERM handler runs them after it has stopped
// accepting connections and before it waits for in-flight requests. Kept generic on purpose: a hook
// is a name and an async function, run in registration order with a per-hook deadline.
import type { Logger } from 'pino';

export type ShutdownHook = { name: string; run: () => Promise<void> | void };

const hooks: ShutdownHook[] = [];

/** Registers a hook; returns a function that unregisters it (for tests and detachable parts). */
export function onShutdown(name: string, run: ShutdownHook['run']): () => void {
  const hook = { name, run };
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Runs every hook once; a hook that throws or outlives timeoutMs is logged and skipped. */
export async function runShutdownHooks(log?: Logger, timeoutMs = 5_000): Promise<void> {
  for (const hook of hooks.splice(0)) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(hook.run),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`shutdown hook "${hook.name}" timed out`)), timeoutMs);
        }),
      ]);
      log?.info({ 'shutdown.hook': hook.name }, 'shutdown hook done');
    } catch (err) {
      log?.warn({ err, 'shutdown.hook': hook.name }, 'shutdown hook failed');
    } finally {
      clearTimeout(timer);
    }
  }
}
