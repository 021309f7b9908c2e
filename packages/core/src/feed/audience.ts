// Keeps open sockets in step with the follow graph: after a follow the follower's sockets start
// hearing the followee; after an unfollow or a block they stop (a block both ways). Best effort
// through Redis: a socket that misses it is corrected on its next connect.
import { createRealtimeEmitter, type RealtimeEmitter } from '@tonearm/realtime';
import type { CoreDeps } from '../deps';

const byRedis = new WeakMap<object, RealtimeEmitter>();

export function liveAudience(deps: CoreDeps): RealtimeEmitter {
  let emitter = byRedis.get(deps.redis);
  if (!emitter) {
    emitter = createRealtimeEmitter(deps.redis, {
      onError: (err) => deps.log.warn({ err }, 'realtime publish failed'),
    });
    byRedis.set(deps.redis, emitter);
  }
  return emitter;
}
