// Browser push for transcode progress through @socket.io/redis-emitter: the socket.io server (issue 5)
// puts each authenticated socket in room `user:<id>`; workers publish without running socket.io.
import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { TranscodeEvent } from './deps';

export const TRANSCODE_EVENT = 'song:transcode';
export const userRoom = (userId: string) => `user:${userId}`;

/** `redis` must have no keyPrefix (the socket.io adapter listens on unprefixed channels). */
export function createTranscodeNotifier(redis: Redis) {
  const emitter = new Emitter(redis);
  return (userId: string, event: TranscodeEvent) => {
    emitter.to(userRoom(userId)).emit(TRANSCODE_EVENT, event);
  };
}
