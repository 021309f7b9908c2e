// Play reports of one drill and their checks: every accepted play counted exactly once, and the
// counters (Song.playCount, PlayDaily) grown by exactly the number of counted events.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { mongoose, PlayDaily, PlayEvent, Song } from '@tonearm/db';
import { sleep } from './cluster';
import { cookie, queues, songIds } from './context';
import type { Sample } from './load';

/** Play reports of one drill: what was sent and what the API accepted (2xx). */
export class Plays {
  readonly sent = new Map<number, { eventId: string; songId: string; body: string }>();
  readonly startedAt = new Date();
  request(i: number) {
    const eventId = randomUUID();
    const songId = songIds[i % songIds.length]!;
    const body = JSON.stringify({
      eventId,
      songId,
      startedAt: new Date().toISOString(),
      playedSec: 30,
      completed: true,
    });
    this.sent.set(i, { eventId, songId, body });
    return { path: '/trpc/play.report', init: this.init(body), kind: 'play' };
  }
  init(body: string): RequestInit {
    return { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body };
  }
  /**
   * A player retries a report that failed (same eventId) once the service is back; then waits for the
   * stats queue to drain and checks every accepted play was counted exactly once.
   */
  async verify(r: { samples: Pick<Sample, 'i' | 'status' | 'kind'>[] }, urls: string[]) {
    const accepted = new Set<string>();
    const failed: { eventId: string; body: string }[] = [];
    for (const s of r.samples) {
      if (s.kind !== 'play') continue;
      const p = this.sent.get(s.i)!;
      if (s.status >= 200 && s.status < 300) accepted.add(p.eventId);
      else failed.push(p);
    }
    let retriedOk = 0;
    for (const [k, p] of failed.entries()) {
      const res = await fetch(`${urls[k % urls.length]}/trpc/play.report`, this.init(p.body)).catch(
        () => null,
      );
      if (res?.ok) {
        retriedOk++;
        accepted.add(p.eventId);
      }
    }
    const drainMs = await drainStats();
    const ids = [...this.sent.values()].map((p) => p.eventId);
    const events = await PlayEvent.find({ eventId: mongoose.trusted({ $in: ids }) as unknown as string })
      .select({ eventId: 1, countedAt: 1 })
      .lean();
    const counted = new Set(events.filter((e) => e.countedAt).map((e) => e.eventId));
    const lostAccepted = [...accepted].filter((id) => !counted.has(id)).length;
    const day = this.startedAt.toISOString().slice(0, 10);
    const counters = await countersDelta(day, counted.size);
    return {
      plays: {
        reported: this.sent.size,
        accepted: accepted.size,
        'accepted after one client retry': retriedOk,
        stored: events.length,
        counted: counted.size,
        'accepted but not counted': lostAccepted,
        'stats queue drained in ms': drainMs,
      },
      // Exactly once: the counters grew by the number of events claimed as counted, no more, no less.
      counters: counters.text,
      /** reported = accepted = counted, and the counters grew by exactly that. */
      exactlyOnce:
        this.sent.size === accepted.size &&
        accepted.size === counted.size &&
        lostAccepted === 0 &&
        counters.ok,
    };
  }
}

let baseline: { songPlays: number; dailyPlays: number } | undefined;
async function counterTotals(day: string) {
  const [s] = await Song.aggregate<{ n: number }>([{ $group: { _id: null, n: { $sum: '$playCount' } } }]);
  const [d] = await PlayDaily.aggregate<{ n: number }>([
    { $match: { kind: 'song', day } },
    { $group: { _id: null, n: { $sum: '$plays' } } },
  ]);
  return { songPlays: s?.n ?? 0, dailyPlays: d?.n ?? 0 };
}
export async function snapshotCounters() {
  await drainStats(); // what earlier drills left is counted before the baseline
  baseline = await counterTotals(new Date().toISOString().slice(0, 10));
}
async function countersDelta(day: string, counted: number) {
  const now = await counterTotals(day);
  const song = now.songPlays - (baseline?.songPlays ?? 0);
  const daily = now.dailyPlays - (baseline?.dailyPlays ?? 0);
  const ok = song === counted && daily === counted;
  return {
    ok,
    text: `Song.playCount +${song}, PlayDaily(song) +${daily} for ${counted} counted events: ${ok ? 'exactly once' : 'MISMATCH'}`,
  };
}

/** Waits until the stats queue has nothing waiting, active or delayed; returns the time it took. */
export async function drainStats(timeoutMs = 180_000): Promise<number> {
  const t = performance.now();
  for (;;) {
    const c = await queues
      .get('stats')
      .getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      .catch(() => null);
    if (c && Object.values(c).every((n) => n === 0)) return Math.round(performance.now() - t);
    if (performance.now() - t > timeoutMs) return Number.POSITIVE_INFINITY;
    await sleep(250);
  }
}

/** A mixed load: three cached song reads for each play report. */
export function mixed(plays: Plays, byId: (i: number) => string) {
  return (i: number) => (i % 4 === 3 ? plays.request(i) : { path: byId(i), kind: 'song.byId' });
}
