// The one producer of cover jobs (album art found by the import or an upload, a user's avatar): the
// cover worker resizes the original at `sourceKey` and points the album, artist or user at it. The job
// id names the source, so a retried request queues nothing new.
import { createHash } from 'node:crypto';
import { Jobs, type Queues } from '@tonearm/queue';

export async function enqueueCover(
  queues: Queues,
  target: { kind: 'album' | 'artist' | 'user'; id: string },
  sourceKey: string,
): Promise<void> {
  const h = createHash('sha256').update(sourceKey).digest('hex').slice(0, 16);
  await queues.enqueue(
    Jobs.processCover,
    { kind: target.kind, id: target.id, sourceKey },
    { jobId: `cover-${target.kind}-${target.id}-${h}` },
  );
}
