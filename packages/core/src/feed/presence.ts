// The process's presence store, from the injected deps (the server configures its TTL) or built on
// deps.redis with defaults.
import { PresenceStore } from '@tonearm/realtime';
import type { CoreDeps } from '../deps';

const byRedis = new WeakMap<object, PresenceStore>();

export function presenceOf(deps: CoreDeps): PresenceStore {
  if (deps.presence) return deps.presence;
  let store = byRedis.get(deps.redis);
  if (!store) {
    store = new PresenceStore(deps.redis);
    byRedis.set(deps.redis, store);
  }
  return store;
}
