// What counts as a play, and when. A play starts when a queue entry actually plays (not when it is
// merely loaded): another entry, or the same entry starting over (repeat one, "previous" restarting
// it, a seek back to the start from well into it). It counts once this much of it was heard:
// seconds heard while playing, a step of one or two at a time (a seek forward hears nothing).
// The controller feeds it every state and time change; ListeningReporter sends what it counts.
import type { Track } from '../types';

/** A play counts once this much of it was heard: 30 s, or half of a shorter track. */
export function countingThresholdSec(durationSec: number): number {
  return Math.min(30, Math.max(1, durationSec / 2));
}

export type PlaySession = {
  /** Queue position and song: a new key is a new play. */
  key: string;
  songId: string;
  /** When the play started (ms since epoch), back-dated by where in the track it started. */
  startedAt: number;
  durationSec: number;
};

/** A play that has just counted: what `play.report` sends. */
export type CountedPlay = { songId: string; startedAt: number; playedSec: number };

export type PlayObservation = {
  track: Track | null;
  position: number;
  status: 'idle' | 'loading' | 'playing' | 'paused' | 'ended' | 'error';
  /** Whole seconds into the track. */
  second: number;
  duration: number;
};

export class PlayTracker {
  session: PlaySession | null = null;
  private lastSecond = 0;
  private heard: { of: PlaySession; sec: number; last: number; counted: boolean } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one observation; returns the play if it has just reached the counting threshold. */
  observe(o: PlayObservation): CountedPlay | null {
    const prev = this.lastSecond;
    this.lastSecond = o.second;
    if (!o.track || o.status === 'idle') {
      this.session = null;
      return null;
    }
    if (o.status === 'playing') {
      const key = `${o.position}:${o.track.id}`;
      const cur = this.session;
      const restarted = cur?.key === key && o.second < 2 && prev > o.second + 5;
      if (!cur || cur.key !== key || restarted) {
        this.session = {
          key,
          songId: o.track.id,
          startedAt: this.now() - o.second * 1000,
          durationSec: o.duration || o.track.durationSec,
        };
      }
    }
    const session = this.session;
    if (!session) return null;
    // Per play, not per key: a restarted entry (repeat one) is heard, and counted, again.
    if (this.heard?.of !== session) this.heard = { of: session, sec: 0, last: o.second, counted: false };
    const h = this.heard;
    const step = o.second - h.last;
    h.last = o.second;
    if (o.status === 'playing' && step > 0 && step <= 2) h.sec += step;
    if (h.counted || h.sec < countingThresholdSec(session.durationSec)) return null;
    h.counted = true;
    return { songId: session.songId, startedAt: session.startedAt, playedSec: h.sec };
  }
}
