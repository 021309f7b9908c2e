// Stop S3 for 20 s during a transcode, under reads, play reports and signed media-edge GETs: the
// transcode ends ready with one ladder (or failed with a reason), and nothing is left half-published.
import {
  byId,
  type Drill,
  ensureCluster,
  restart,
  settled,
  songOutcome,
  trpc,
  upload,
  waitSong,
} from '../context';
import { print, runLoad } from '../load';
import { Plays, snapshotCounters } from '../plays';

export const s3Drill: Drill = {
  name: 's3',
  title: 'stop S3 (versitygw) for 20 s during a transcode, under reads, play reports and media edge GETs',
  async run() {
    const c = await ensureCluster();
    // A published song to stream through the media edge (signed like CloudFront) during the outage.
    const streamed = await upload(c.a.url!, 10, 'Drill streamed');
    await waitSong(streamed, settled);
    const grant = await trpc<{ masterUrl: string; signedQuery: string }>(c.a.url!, 'playback.start', {
      songId: streamed,
    });
    const edgePath = `${new URL(grant.masterUrl).pathname}?${grant.signedQuery}`;
    const plays = new Plays();
    await snapshotCounters();
    const songId = await upload(c.a.url!, 60, 'Drill S3 outage');
    // Mid-encode: the outage then covers the upload of the ladder and the retries after it.
    await waitSong(
      songId,
      (s) => s.media?.status === 'transcoding' && (s.media.progress ?? 0) >= 0.4,
      180_000,
    );
    const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
    let done: Promise<void> = Promise.resolve();
    const r = await runLoad({
      targets: c.urls,
      request: (i) =>
        i % 4 === 3
          ? plays.request(i)
          : i % 4 === 2
            ? { path: edgePath, kind: 'edge' }
            : { path: byId(i), kind: 'song.byId' },
      rate: 100,
      total: 3_000,
      onStart: (t0) => {
        done = restart('s3', 20_000, at, t0);
      },
    });
    await done;
    await waitSong(songId, settled);
    print(this.title, r, at, {
      transcode: await songOutcome(songId),
      ...(await plays.verify(r, c.urls())),
    });
  },
};
