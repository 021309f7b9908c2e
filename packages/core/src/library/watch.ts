// `pnpm run import --watch`: after the first run, the folders are watched (fs.watch, recursive) and a
// change (a file added, re-tagged, moved in) triggers another run once the folder has been quiet for
// `debounceMs`, so a copy in progress is imported once, whole. The import is incremental (identity by
// content hash), so a run after a change only touches what changed. Runs never overlap: a change
// during a run schedules one more run after it. A removed file is not removed from the library.
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export type LibraryWatcher = {
  /** Resolves when no run is in progress or scheduled (for tests and a clean exit). */
  idle(): Promise<void>;
  close(): Promise<void>;
};

export async function watchLibrary(
  paths: string[],
  run: () => Promise<void>,
  opts: { debounceMs?: number; onError?: (e: unknown) => void } = {},
): Promise<LibraryWatcher> {
  const debounceMs = opts.debounceMs ?? 2_000;
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  const waiters: (() => void)[] = [];
  const settle = () => {
    if (!running && !timer) for (const w of waiters.splice(0)) w();
  };

  const start = () => {
    timer = null;
    if (closed) return settle();
    if (running) {
      again = true;
      return;
    }
    running = run()
      .catch((e: unknown) => opts.onError?.(e))
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          schedule();
        }
        settle();
      });
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(start, debounceMs);
  };

  for (const p of paths) {
    const isDir = (await stat(p)).isDirectory();
    // A single file is watched through its folder (an editor's save replaces the file's inode).
    const w = watch(isDir ? p : dirname(p), { recursive: isDir }, (_event, name) => {
      if (!isDir && name && !p.endsWith(String(name))) return;
      schedule();
    });
    w.on('error', (e) => opts.onError?.(e));
    watchers.push(w);
  }

  return {
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      }),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      for (const w of watchers) w.close();
      await running;
      settle();
    },
  };
}
