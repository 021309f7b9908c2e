// Publishing to browsers from any process (workers, scripts) without a socket.io server: the
// @socket.io/redis-emitter speaks the Redis adapter's protocol, so every server delivers the event.
// Payloads are validated against events.ts before they leave, so a worker cannot send a bad shape.
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { type ServerToClientEvents, serverEventSchemas } from './events';
import { audienceRoom, userRoom } from './rooms';

export type RealtimeEmitter = {
  /** Sends an event to every socket of one user (all tabs and devices). */
  toUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void;
  /** Lets a follower's open sockets receive a followee's activity (call after a follow). */
  grantAudience(followerId: string, followeeId: string): void;
  /** Stops it (call after an unfollow or a block, in both directions for a block). */
  revokeAudience(followerId: string, followeeId: string): void;
  raw: Emitter<ServerToClientEvents>;
};

/**
 * `redis` must have no keyPrefix (the adapter's channels are not prefixed) and should be a
 * connection of its own or the process's ordinary one: the emitter only PUBLISHes.
 */
export function createRealtimeEmitter(
  redis: Redis,
  opts: { key?: string; onError?: (err: unknown) => void } = {},
): RealtimeEmitter {
  // The emitter fires PUBLISH without handling its promise: a Redis outage would become an
  // unhandled rejection (a crash). Live pushes are best effort; clients re-sync on reconnect.
  const client = {
    publish: (channel: string, msg: string | Buffer) =>
      redis.publish(channel, msg).catch((err: unknown) => opts.onError?.(err)),
  };
  const raw = new Emitter<ServerToClientEvents>(client, { key: opts.key ?? 'socket.io' });
  return {
    raw,
    toUser(userId, event, payload) {
      const schema = serverEventSchemas[event];
      const parsed = schema.parse(payload) as Parameters<ServerToClientEvents[typeof event]>[0];
      // biome-ignore lint/suspicious/noExplicitAny: the emitter's variadic typing cannot follow E here
      (raw.to(userRoom(userId)) as any).emit(event, parsed);
    },
    grantAudience(followerId, followeeId) {
      raw.in(userRoom(followerId)).socketsJoin(audienceRoom(followeeId));
    },
    revokeAudience(followerId, followeeId) {
      raw.in(userRoom(followerId)).socketsLeave(audienceRoom(followeeId));
    },
  };
}
