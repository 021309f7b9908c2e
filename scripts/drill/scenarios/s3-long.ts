// Stop S3 for 110 s while a transcode uploads its ladder, longer than its retries: the song ends
// failed with a reason and the objects already uploaded are cleaned up once S3 answers again.
import { sleep } from '../cluster';
import {
  byId,
  type Drill,
  ensureCluster,
  restart,
  settled,
  songOutcome,
  storage,
  upload,
  waitSong,
} from '../context';
import { print, runLoad } from '../load';

export const s3LongDrill: Drill = {
  name: 's3-long',
  title: 'stop S3 (versitygw) for 110 s while a transcode uploads its ladder (longer than its retries)',
  async run() {
    const c = await ensureCluster();
    const songId = await upload(c.a.url!, 120, 'Drill long S3 outage');
    // The upload phase (progress 0.85–0.95): part of the ladder is in S3 when it goes away.
    await waitSong(songId, (s) => (s.media?.progress ?? 0) > 0.85 || settled(s), 300_000, 50);
    const before = await storage.list(`songs/${songId}/hls/`);
    const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
    let done: Promise<void> = Promise.resolve();
    const r = await runLoad({
      targets: c.urls,
      request: (i) => ({ path: byId(i), kind: 'song.byId' }),
      rate: 50,
      total: 6_000,
      onStart: (t0) => {
        done = restart('s3', 110_000, at, t0);
      },
    });
    await done;
    const song = await waitSong(songId, settled);
    // transcode.failed retries its cleanup until S3 answers: give it its next backoff steps.
    const until = Date.now() + 180_000;
    while (
      Date.now() < until &&
      (await storage.listPrefixes(`songs/${songId}/hls/`)).length > (song.media?.status === 'ready' ? 1 : 0)
    )
      await sleep(1_000);
    print(this.title, r, at, {
      'ladder objects in S3 when it stopped': before.length,
      transcode: await songOutcome(songId),
    });
  },
};
