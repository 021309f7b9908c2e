// Publishing to browsers from any process (workers, scripts) without a socket.io server. The servers
// run socket.io's sharded Redis adapter (Redis 7 sharded pub/sub: SPUBLISH reaches only the nodes
// whose slot owns the channel, so a Redis Cluster does not copy every event to every node); this
// emitter writes the adapter's own messages (socket.io-adapter's ClusterAdapter format) to the
// channel the adapter would choose, so every server with a socket in the room delivers the event.
// Payloads are validated against events.ts before they leave, so a worker cannot send a bad shape.
import type { RedisClient as Redis } from '@tonearm/cache';
import { type ServerToClientEvents, serverEventSchemas } from './events';
import { audienceRoom, userRoom } from './rooms';

/** socket.io-adapter's MessageType values the emitter sends. */
const BROADCAST = 3;
const SOCKETS_JOIN = 4;
const SOCKETS_LEAVE = 5;
const SERVER_SIDE_EMIT = 9;
/** socket.io-parser's EVENT packet. */
const EVENT = 2;

export type ShardedEmitterOptions = {
  /** The adapter's channelPrefix (createShardedAdapter's default: "socket.io"). */
  key?: string;
  nsp?: string;
  onError?: (err: unknown) => void;
};

/** The slice of socket.io's broadcast API that workers need, over SPUBLISH. */
export class ShardedEmitter {
  private readonly channel: string;
  private readonly nsp: string;
  constructor(
    private readonly redis: Redis,
    private readonly opts: ShardedEmitterOptions = {},
  ) {
    this.nsp = opts.nsp ?? '/';
    this.channel = `${opts.key ?? 'socket.io'}#${this.nsp}#`;
  }

  /** Sends `event` to every socket in `rooms` (all servers), minus those in `except(...)` rooms. */
  to(rooms: string | string[]) {
    const list = [rooms].flat();
    const except: string[] = [];
    const op = {
      except: (r: string | string[]) => {
        except.push(...[r].flat());
        return op;
      },
      emit: (event: string, ...args: unknown[]) =>
        this.publish(this.channelFor(list), {
          type: BROADCAST,
          data: {
            opts: { rooms: list, except, flags: {} },
            packet: { type: EVENT, data: [event, ...args], nsp: this.nsp },
          },
        }),
    };
    return op;
  }

  /** Makes the sockets in `rooms` join or leave other rooms, on whichever server holds them. */
  in(rooms: string | string[]) {
    const opts = { rooms: Array.isArray(rooms) ? rooms : [rooms], except: [] as string[], flags: {} };
    return {
      socketsJoin: (add: string | string[]) =>
        this.publish(this.channel, { type: SOCKETS_JOIN, data: { opts, rooms: [add].flat() } }),
      socketsLeave: (drop: string | string[]) =>
        this.publish(this.channel, { type: SOCKETS_LEAVE, data: { opts, rooms: [drop].flat() } }),
    };
  }

  /** An event for the servers themselves (io.on(event) in each server). */
  serverSideEmit(event: string, ...args: unknown[]): Promise<void> {
    return this.publish(this.channel, { type: SERVER_SIDE_EMIT, data: { packet: [event, ...args] } });
  }

  /**
   * The adapter's "dynamic" subscription mode: a broadcast to one public room goes to that room's
   * own channel (only servers with a socket in it subscribe), anything else to the main channel.
   * A 20-character room is a socket id (a private room), which has no channel of its own.
   */
  private channelFor(rooms: string[]): string {
    const room = rooms[0];
    return rooms.length === 1 && room !== undefined && room.length !== 20
      ? `${this.channel}${room}#`
      : this.channel;
  }

  private async publish(channel: string, msg: { type: number; data: unknown }): Promise<void> {
    // Live pushes are best effort (clients re-sync on reconnect): a Redis outage is reported, never
    // an unhandled rejection.
    try {
      await this.redis.spublish(channel, JSON.stringify({ uid: 'emitter', nsp: this.nsp, ...msg }));
    } catch (err) {
      this.opts.onError?.(err);
    }
  }
}

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
  raw: ShardedEmitter;
};

/**
 * `redis` must have no keyPrefix (the adapter's channels are not prefixed) and should be a
 * connection of its own or the process's ordinary one: the emitter only SPUBLISHes.
 */
export function createRealtimeEmitter(
  redis: Redis,
  opts: { key?: string; onError?: (err: unknown) => void } = {},
): RealtimeEmitter {
  const raw = new ShardedEmitter(redis, opts);
  return {
    raw,
    toUser(userId, event, payload) {
      const schema = serverEventSchemas[event];
      void raw.to(userRoom(userId)).emit(event, schema.parse(payload));
    },
    grantAudience(followerId, followeeId) {
      void raw.in(userRoom(followerId)).socketsJoin(audienceRoom(followeeId));
    },
    revokeAudience(followerId, followeeId) {
      void raw.in(userRoom(followerId)).socketsLeave(audienceRoom(followeeId));
    },
  };
}
