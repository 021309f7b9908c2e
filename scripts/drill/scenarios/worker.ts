// kill -9 the worker mid-transcode and mid-counting, start a new one: the stalled transcode is taken
// over once its lock lapses, and every play is counted exactly once.
import { performance } from 'node:perf_hooks';
import { kill, sleep, startWorker } from '../cluster';
import {
  byId,
  cluster,
  type Drill,
  ensureCluster,
  settled,
  songOutcome,
  track,
  upload,
  waitSong,
} from '../context';
import { print, runLoad } from '../load';
import { Plays, snapshotCounters } from '../plays';

export const workerDrill: Drill = {
  name: 'worker',
  title: 'kill -9 the worker mid-transcode and mid-counting, start a new one',
  async run() {
    const c = await ensureCluster();
    const plays = new Plays();
    await snapshotCounters();
    const songId = await upload(c.a.url!, 60, 'Drill worker kill');
    await waitSong(
      songId,
      (s) => s.media?.status === 'transcoding' && (s.media.progress ?? 0) >= 0.1,
      120_000,
    );
    const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
    let done: Promise<void> = Promise.resolve();
    const r = await runLoad({
      targets: c.urls,
      request: (i) => (i % 2 ? plays.request(i) : { path: byId(i), kind: 'song.byId' }),
      rate: 150,
      total: 1_500,
      onStart: (t0) => {
        done = sleep(3_000).then(async () => {
          await kill(c.w, 'SIGKILL');
          at.faultAt = performance.now() - t0;
          cluster.w = track(await startWorker('worker-2'));
          at.restoredAt = performance.now() - t0;
        });
      },
    });
    await done;
    const t = performance.now();
    const song = await waitSong(songId, settled);
    print(this.title, r, at, {
      transcode: {
        ...(await songOutcome(songId)),
        'settled after the kill in ms': Math.round(
          performance.now() - t + (r.samples.at(-1)?.t ?? 0) - at.faultAt,
        ),
      },
      ...(await plays.verify(r, c.urls())),
      note: song.media?.status === 'ready' ? 'the new worker took the stalled job once its lock lapsed' : '',
    });
  },
};
