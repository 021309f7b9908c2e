// A minimal external store for useSyncExternalStore: the player keeps two (state and time), so the
// 4 Hz time updates re-render only the seek bar, never the pages under it.
export type Store<T> = {
  get(): T;
  set(update: (prev: T) => T): void;
  subscribe(listener: () => void): () => void;
};

export function createStore<T>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(update) {
      const next = update(state);
      if (Object.is(next, state)) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
