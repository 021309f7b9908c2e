// The play queue's rules: order, next/previous at the edges, repeat modes, shuffle keeping the
// current track, and edits that never lose the current track.
import { describe, expect, it } from 'vitest';
import * as Q from '../lib/player/queue';
import type { Track } from '../lib/types';

const track = (n: number): Track => ({
  id: `t${n}`,
  title: `Song ${n}`,
  artistId: 'a',
  artistName: 'Artist',
  albumId: null,
  albumTitle: null,
  durationSec: 180,
  status: 'ready',
});
const five = [1, 2, 3, 4, 5].map(track);
/** A deterministic "random" source (LCG), so shuffles are reproducible. */
const seeded = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) % 2 ** 32;
  return seed / 2 ** 32;
};
const titles = (q: Q.QueueState) => q.order.map((i) => q.tracks[i]!.title);

describe('play queue', () => {
  it('starts at the chosen track and walks forward to the end', () => {
    let q = Q.playList(Q.emptyQueue, five, 2, seeded(1));
    expect(Q.currentTrack(q)?.id).toBe('t3');
    expect(Q.upcoming(q).map((u) => u.track.id)).toEqual(['t4', 't5']);
    q = Q.jumpTo(q, Q.nextPosition(q, false)!);
    q = Q.jumpTo(q, Q.nextPosition(q, false)!);
    expect(Q.currentTrack(q)?.id).toBe('t5');
    expect(Q.nextPosition(q, true)).toBeNull();
    expect(Q.upNext(q)).toBeNull();
  });

  it('repeat all wraps around; repeat one replays only when the track ends by itself', () => {
    let q = Q.playList(Q.emptyQueue, five, 4, seeded(1));
    q = Q.cycleRepeat(q);
    expect(q.repeat).toBe('all');
    expect(Q.nextPosition(q, true)).toBe(0);
    expect(Q.previousPosition(Q.jumpTo(q, 0))).toBe(4);
    q = Q.cycleRepeat(q);
    expect(q.repeat).toBe('one');
    expect(Q.nextPosition(q, true)).toBe(4);
    expect(Q.upNext(q)?.id).toBe('t5');
    expect(Q.nextPosition(q, false)).toBe(0);
    expect(Q.cycleRepeat(q).repeat).toBe('off');
  });

  it('previous stops at the start when not repeating', () => {
    const q = Q.playList(Q.emptyQueue, five, 0, seeded(1));
    expect(Q.previousPosition(q)).toBeNull();
  });

  it('shuffle keeps the current track playing and first, and turning it off restores the order', () => {
    let q = Q.playList(Q.emptyQueue, five, 2, seeded(7));
    q = Q.toggleShuffle(q, seeded(7));
    expect(q.shuffle).toBe(true);
    expect(Q.currentTrack(q)?.id).toBe('t3');
    expect(q.position).toBe(0);
    expect([...q.order].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(titles(q)).not.toEqual(five.map((t) => t.title));
    q = Q.toggleShuffle(q, seeded(7));
    expect(titles(q)).toEqual(five.map((t) => t.title));
    expect(Q.currentTrack(q)?.id).toBe('t3');
  });

  it('playing a list while shuffled starts with the chosen track', () => {
    const shuffled = { ...Q.emptyQueue, shuffle: true };
    const q = Q.playList(shuffled, five, 3, seeded(3));
    expect(Q.currentTrack(q)?.id).toBe('t4');
    expect(q.order).toHaveLength(5);
  });

  it('enqueue adds at the end, play next right after the current track', () => {
    let q = Q.playList(Q.emptyQueue, five.slice(0, 3), 0, seeded(1));
    q = Q.enqueue(q, track(9));
    q = Q.playNext(q, track(8));
    expect(titles(q)).toEqual(['Song 1', 'Song 8', 'Song 2', 'Song 3', 'Song 9']);
    expect(Q.currentTrack(q)?.id).toBe('t1');
    const empty = Q.enqueue(Q.emptyQueue, track(1));
    expect(Q.currentTrack(empty)?.id).toBe('t1');
  });

  it('moving and removing upcoming entries keeps the current track current', () => {
    let q = Q.playList(Q.emptyQueue, five, 1, seeded(1));
    q = Q.move(q, 4, 2);
    expect(titles(q)).toEqual(['Song 1', 'Song 2', 'Song 5', 'Song 3', 'Song 4']);
    expect(Q.currentTrack(q)?.id).toBe('t2');
    q = Q.move(q, 0, 4);
    expect(Q.currentTrack(q)?.id).toBe('t2');
    q = Q.removeAt(q, q.position);
    expect(Q.currentTrack(q)?.id).toBe('t2');
    const before = q.order.length;
    q = Q.removeAt(q, q.position + 1);
    expect(q.order).toHaveLength(before - 1);
    expect(Q.currentTrack(q)?.id).toBe('t2');
  });

  it('an empty list empties the queue', () => {
    const q = Q.playList(Q.playList(Q.emptyQueue, five, 0, seeded(1)), [], 0, seeded(1));
    expect(Q.currentTrack(q)).toBeNull();
    expect(Q.nextPosition(q, true)).toBeNull();
  });
});
