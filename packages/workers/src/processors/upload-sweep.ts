// The upload sweep: finalize replaces a used upload key with an empty tombstone, so the create-only
// presigned PUT (If-None-Match: *) gets 412 from S3 however often it is replayed. Once that URL has
// expired the tombstone is useless; this delayed job deletes it. Only a tombstone is ever deleted:
// a real object at the key (an upload never finalized) is left alone. Idempotent.
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { TOMBSTONE_TYPE, uploadKeyOf } from '@tonearm/media';
import { Jobs } from '@tonearm/queue';
import { defineProcessor } from '../processor';

export const uploadSweepProcessor = defineProcessor({
  job: Jobs.uploadSweep,
  concurrency: 2,
  async handle({ songId }, { log, deps }) {
    const { bucket: Bucket, client: s3 } = deps.media.storage;
    const Key = uploadKeyOf(songId);
    let head: { ContentLength?: number; ContentType?: string };
    try {
      head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return { deleted: false };
      throw e;
    }
    if ((head.ContentLength ?? 0) !== 0 || head.ContentType !== TOMBSTONE_TYPE) return { deleted: false };
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    log.info({ 'song.id': songId }, 'upload tombstone swept');
    return { deleted: true };
  },
});
