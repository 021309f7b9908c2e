// Cover images: the uploaded original is resized with sharp to several square sizes, each in AVIF,
// WebP and JPEG, and written under covers/<kind>/<id>/<hash>/ in S3; then the album or artist points
// at that prefix. Idempotent: keys derive from the source key, so a rerun overwrites identical objects.
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Album, Artist, Song, User } from '@tonearm/db';
import { Jobs } from '@tonearm/queue';
import { UnrecoverableError } from 'bullmq';
import sharp from 'sharp';
import { defineProcessor } from '../processor';

/** Square edge lengths (px): list thumbnails, the player, full-screen / retina. */
export const COVER_SIZES = [64, 300, 640] as const;
export const COVER_FORMATS = ['avif', 'webp', 'jpeg'] as const;
const MAX_SOURCE_BYTES = 20 * 1024 * 1024;
/** 40 MP: a 6000×6000 scan fits; a bomb (tiny file, huge canvas) is refused before it decodes. */
const MAX_PIXELS = 40_000_000;
const SHARP_OPTS = { limitInputPixels: MAX_PIXELS } as const;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'avif', 'heif', 'gif', 'tiff']);
/** An avatar's bytes must be one of the types account.avatarUpload accepts. */
const AVATAR_FORMATS = new Set(['jpeg', 'png', 'webp']);

export function coverPrefix(kind: string, id: string, sourceKey: string): string {
  const h = createHash('sha256').update(sourceKey).digest('hex').slice(0, 12);
  return `covers/${kind}/${id}/${h}/`;
}

export const coverProcessor = defineProcessor({
  job: Jobs.processCover,
  concurrency: 1,
  lockDuration: 60_000,
  async handle({ kind, id, sourceKey }, { log, deps }) {
    const { bucket, client: s3 } = deps.media.storage;
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: sourceKey }));
    if ((obj.ContentLength ?? 0) > MAX_SOURCE_BYTES) throw new UnrecoverableError('cover source too large');
    const input = Buffer.from(await obj.Body!.transformToByteArray());
    let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
    try {
      meta = await sharp(input, SHARP_OPTS).metadata();
    } catch (e) {
      throw new UnrecoverableError(`not an image: ${(e as Error).message}`);
    }
    // Decided by the bytes, not the declared type: raster formats only (an SVG or PDF is never
    // rendered), and no decompression bomb (a tiny file declaring a huge canvas).
    const formats = kind === 'user' ? AVATAR_FORMATS : ACCEPTED_FORMATS;
    if (!meta.format || !formats.has(meta.format))
      throw new UnrecoverableError(`not an accepted image format: ${meta.format ?? 'unknown'}`);
    if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_PIXELS || (meta.pages ?? 1) > 1)
      throw new UnrecoverableError(
        `image too large: ${meta.width}×${meta.height}${(meta.pages ?? 1) > 1 ? `, ${meta.pages} frames` : ''} (up to ${MAX_PIXELS / 1e6} megapixels, one frame)`,
      );
    const prefix = coverPrefix(kind, id, sourceKey);
    const written: string[] = [];
    for (const size of COVER_SIZES) {
      const base = sharp(input, SHARP_OPTS)
        .rotate()
        .resize(size, size, { fit: 'cover', position: 'attention' });
      for (const format of COVER_FORMATS) {
        const out =
          format === 'avif'
            ? await base.clone().avif({ quality: 50, effort: 2 }).toBuffer()
            : format === 'webp'
              ? await base.clone().webp({ quality: 80 }).toBuffer()
              : await base.clone().jpeg({ quality: 82, mozjpeg: true }).toBuffer();
        const key = `${prefix}${size}.${format === 'jpeg' ? 'jpg' : format}`;
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: out,
            ContentType: `image/${format}`,
            CacheControl: 'public, max-age=31536000, immutable',
          }),
        );
        written.push(key);
      }
    }
    if (kind === 'album') {
      await Album.updateOne({ _id: id }, { $set: { coverKey: prefix } });
      // Lists show a song's cover without joining its album.
      await Song.updateMany({ albumId: id }, { $set: { coverKey: prefix } });
    } else if (kind === 'user') {
      // An avatar: the user may have been deleted meanwhile; then nothing may stay behind in S3.
      const res = await User.updateOne({ _id: id }, { $set: { avatarKey: prefix } });
      if (res.matchedCount === 0) {
        const { DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
        await s3.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: [...written, sourceKey].map((Key) => ({ Key })) },
          }),
        );
      }
    } else await Artist.updateOne({ _id: id }, { $set: { imageKey: prefix } });
    log.info({ 'cover.prefix': prefix, 'cover.source_width': meta.width }, 'cover processed');
    return { prefix, keys: written };
  },
});
