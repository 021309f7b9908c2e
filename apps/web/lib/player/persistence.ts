// What the player keeps in localStorage across reloads: the queue (with the volume and where the
// current track was), and the listener's chosen quality. Storage is passed in (the browser's
// localStorage, or a map in tests); whatever is stored is read back as untrusted input: a value
// that does not check out (edited by hand, written by another version, truncated) is ignored,
// never half-used.
import type { Track } from '../types';
import type { QueueState, RepeatMode } from './queue';

export type PlayerStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export const QUEUE_KEY = 'tonearm.player.v1';
/** The listener's chosen quality ("auto" or a bit rate in kbit/s), kept across reloads and songs. */
export const QUALITY_KEY = 'tonearm.quality.v1';

/** The browser's localStorage, or null where there is none (server rendering) or it is blocked. */
export function browserStorage(): PlayerStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // a sandboxed frame or blocked cookies: reading the property throws
  }
}

export function readItem(storage: PlayerStorage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeItem(storage: PlayerStorage | null, key: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // Private mode or a full quota: the player still works, it just forgets on reload.
  }
}

export type PersistedQueue = { queue: QueueState; volume: number; muted: boolean; resumeAtSec: number };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isOptionalString = (v: unknown) => v === null || v === undefined || typeof v === 'string';

function isTrack(v: unknown): v is Track {
  return (
    isRecord(v) &&
    typeof v.id === 'string' &&
    v.id.length > 0 &&
    typeof v.title === 'string' &&
    typeof v.artistName === 'string' &&
    typeof v.status === 'string' &&
    isFiniteNumber(v.durationSec) &&
    v.durationSec >= 0 &&
    isOptionalString(v.artistId) &&
    isOptionalString(v.albumId) &&
    isOptionalString(v.albumTitle) &&
    isOptionalString(v.coverKey)
  );
}

const REPEAT_MODES: readonly RepeatMode[] = ['off', 'all', 'one'];

/** The stored queue if it is one: tracks, a play order of distinct track indices, a position in it. */
export function parseQueue(v: unknown): QueueState | null {
  if (!isRecord(v) || !Array.isArray(v.tracks) || !Array.isArray(v.order)) return null;
  const { tracks, order, position } = v;
  if (!tracks.every(isTrack)) return null;
  const inRange = (i: unknown) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < tracks.length;
  if (!order.every(inRange) || new Set(order).size !== order.length) return null;
  if (!Number.isInteger(position)) return null;
  const p = position as number;
  if (order.length ? p < 0 || p >= order.length : p !== -1) return null;
  if (typeof v.shuffle !== 'boolean' || !REPEAT_MODES.includes(v.repeat as RepeatMode)) return null;
  return {
    tracks,
    order: order as number[],
    position: p,
    shuffle: v.shuffle,
    repeat: v.repeat as RepeatMode,
  };
}

export function readPersistedQueue(storage: PlayerStorage | null): PersistedQueue | null {
  const raw = readItem(storage, QUEUE_KEY);
  if (!raw) return null;
  let p: unknown;
  try {
    p = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(p)) return null;
  const queue = parseQueue(p.queue);
  if (!queue) return null;
  const volume = isFiniteNumber(p.volume) ? Math.min(1, Math.max(0, p.volume)) : 0.8;
  const resumeAtSec = isFiniteNumber(p.resumeAtSec) && p.resumeAtSec > 0 ? p.resumeAtSec : 0;
  return { queue, volume, muted: p.muted === true, resumeAtSec };
}

export function writePersistedQueue(storage: PlayerStorage | null, p: PersistedQueue | null): void {
  writeItem(storage, QUEUE_KEY, p ? JSON.stringify(p) : null);
}

export function readQuality(storage: PlayerStorage | null): 'auto' | number {
  const v = readItem(storage, QUALITY_KEY);
  const n = Number(v);
  return v && Number.isFinite(n) && n > 0 ? n : 'auto';
}

export function writeQuality(storage: PlayerStorage | null, q: 'auto' | number): void {
  writeItem(storage, QUALITY_KEY, String(q));
}
