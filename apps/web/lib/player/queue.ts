// The play queue as pure functions over an immutable value: what plays now, what plays next, shuffle
// and repeat. The player store and the tests drive it; nothing here touches the DOM or the network.
import type { Track } from '../types';

export type RepeatMode = 'off' | 'all' | 'one';

export type QueueState = {
  /** Tracks in the order they were queued. */
  tracks: Track[];
  /** Play order: indices into `tracks` (a permutation when shuffled). */
  order: number[];
  /** Position in `order` of the current track; -1 when nothing is queued. */
  position: number;
  shuffle: boolean;
  repeat: RepeatMode;
};

export const emptyQueue: QueueState = { tracks: [], order: [], position: -1, shuffle: false, repeat: 'off' };

export type Random = () => number;

function fisherYates(xs: number[], random: Random): number[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The order with `first` in front and the rest shuffled (the current track keeps playing). */
function shuffledAround(count: number, first: number, random: Random): number[] {
  const rest = [...Array(count).keys()].filter((i) => i !== first);
  return first >= 0 ? [first, ...fisherYates(rest, random)] : fisherYates(rest, random);
}

export function currentTrack(q: QueueState): Track | null {
  const i = q.order[q.position];
  return i === undefined ? null : (q.tracks[i] ?? null);
}

/** Replaces the queue with `tracks` and starts at `startIndex` (an index into `tracks`). */
export function playList(q: QueueState, tracks: Track[], startIndex: number, random: Random): QueueState {
  if (tracks.length === 0) return { ...q, tracks: [], order: [], position: -1 };
  const start = Math.min(Math.max(0, startIndex), tracks.length - 1);
  const order = q.shuffle ? shuffledAround(tracks.length, start, random) : [...tracks.keys()];
  return { ...q, tracks, order, position: q.shuffle ? 0 : start };
}

/**
 * The position that follows the current one, or null at the end of the queue.
 * `auto` is true when the current track ended by itself: repeat-one then replays it, while a
 * person pressing "next" always moves on.
 */
export function nextPosition(q: QueueState, auto: boolean): number | null {
  if (q.position < 0) return null;
  if (auto && q.repeat === 'one') return q.position;
  if (q.position + 1 < q.order.length) return q.position + 1;
  return q.repeat === 'off' ? null : 0;
}

export function previousPosition(q: QueueState): number | null {
  if (q.position < 0) return null;
  if (q.position > 0) return q.position - 1;
  return q.repeat === 'off' ? null : q.order.length - 1;
}

/** The track that will play when the current one ends by itself: the one to preload. */
export function upNext(q: QueueState): Track | null {
  const p = nextPosition(q, true);
  if (p === null) return null;
  return q.tracks[q.order[p]!] ?? null;
}

export function jumpTo(q: QueueState, position: number): QueueState {
  if (position < 0 || position >= q.order.length) return q;
  return { ...q, position };
}

export function toggleShuffle(q: QueueState, random: Random): QueueState {
  const current = q.order[q.position] ?? -1;
  if (q.shuffle) {
    // Back to queued order (minus what was removed), still on the same track.
    const order = q.order.slice().sort((a, b) => a - b);
    return { ...q, shuffle: false, order, position: order.indexOf(current) };
  }
  const rest = fisherYates(
    q.order.filter((i) => i !== current),
    random,
  );
  const order = current >= 0 ? [current, ...rest] : rest;
  return { ...q, shuffle: true, order, position: order.length ? 0 : -1 };
}

export function cycleRepeat(q: QueueState): QueueState {
  const next: Record<RepeatMode, RepeatMode> = { off: 'all', all: 'one', one: 'off' };
  return { ...q, repeat: next[q.repeat] };
}

/** Adds a track at the end of the play order. */
export function enqueue(q: QueueState, track: Track): QueueState {
  const tracks = [...q.tracks, track];
  const order = [...q.order, tracks.length - 1];
  return { ...q, tracks, order, position: Math.max(q.position, 0) };
}

/** Adds a track right after the current one. */
export function playNext(q: QueueState, track: Track): QueueState {
  const tracks = [...q.tracks, track];
  const order = q.order.slice();
  order.splice(q.position + 1, 0, tracks.length - 1);
  return { ...q, tracks, order, position: Math.max(q.position, 0) };
}

/** Removes the entry at a position of the play order (the current one cannot be removed). */
export function removeAt(q: QueueState, position: number): QueueState {
  if (position === q.position || position < 0 || position >= q.order.length) return q;
  const order = q.order.slice();
  order.splice(position, 1);
  return { ...q, order, position: position < q.position ? q.position - 1 : q.position };
}

/** Moves an upcoming entry within the play order; the current track stays current. */
export function move(q: QueueState, from: number, to: number): QueueState {
  if (from === to || from < 0 || to < 0 || from >= q.order.length || to >= q.order.length) return q;
  const currentIndex = q.order[q.position];
  const order = q.order.slice();
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved!);
  return { ...q, order, position: currentIndex === undefined ? q.position : order.indexOf(currentIndex) };
}

/** The upcoming entries after the current one, with their positions in the play order. */
export function upcoming(q: QueueState): { position: number; track: Track }[] {
  const out: { position: number; track: Track }[] = [];
  for (let p = q.position + 1; p < q.order.length; p++) {
    const t = q.tracks[q.order[p]!];
    if (t) out.push({ position: p, track: t });
  }
  return out;
}
