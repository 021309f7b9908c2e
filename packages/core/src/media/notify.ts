// Browser push for transcode progress through the sharded emitter (@tonearm/realtime): the socket.io
// server (issue 5) puts each authenticated socket in room `user:<id>`; workers publish without
// running socket.io.
import type { RedisClient as Redis } from '@tonearm/cache';
import { ShardedEmitter } from '@tonearm/realtime';
import type { TranscodeEvent } from './deps';

export const TRANSCODE_EVENT = 'song:transcode';
export const userRoom = (userId: string) => `user:${userId}`;

/** `redis` must have no keyPrefix (the socket.io adapter listens on unprefixed channels). */
export function createTranscodeNotifier(redis: Redis) {
  const emitter = new ShardedEmitter(redis);
  return (userId: string, event: TranscodeEvent) => {
    void emitter.to(userRoom(userId)).emit(TRANSCODE_EVENT, event);
  };
}
