// S3 storage for media: the source uploads, the HLS ladders and their staging prefixes. Works against
// AWS S3 and any S3-compatible server (versitygw in dev and CI): path-style addressing, endpoint from env.
// Size: About 315 lines: one S3 client wrapper; each method is one S3 operation with its retry and
// error mapping.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { env } from '@tonearm/config';

export type StorageConfig = {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
};

export type ObjectInfo = { key: string; size: number; contentType?: string; etag?: string };

export function storageConfigFromEnv(): StorageConfig {
  const cfg = env();
  return {
    bucket: cfg.S3_BUCKET,
    region: cfg.S3_REGION,
    endpoint: cfg.S3_ENDPOINT,
    accessKeyId: cfg.S3_ACCESS_KEY_ID,
    secretAccessKey: cfg.S3_SECRET_ACCESS_KEY,
    forcePathStyle: cfg.S3_FORCE_PATH_STYLE,
  };
}

const isMissing = (e: unknown) =>
  e instanceof NoSuchKey ||
  e instanceof NotFound ||
  (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404);

/** Content type of the empty object finalize leaves at a used upload key (see putTombstone). */
export const TOMBSTONE_TYPE = 'application/x-tonearm-tombstone';

/** Where the browser PUTs a song's source with its presigned upload URL. */
export const uploadKeyOf = (songId: string) => `uploads/${songId}/source.mp3`;

export class S3Storage {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(cfg: StorageConfig = storageConfigFromEnv()) {
    this.bucket = cfg.bucket;
    this.client = new S3Client({
      region: cfg.region,
      endpoint: cfg.endpoint,
      forcePathStyle: cfg.forcePathStyle ?? true,
      // Presigned PUTs must not carry the CRC32 of an empty body: real S3 would reject the upload.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(cfg.accessKeyId && cfg.secretAccessKey
        ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
        : {}),
    });
  }

  /** Creates the bucket when it does not exist (startup of servers and workers; idempotent). */
  /**
   * Creates the bucket when missing. With `corsOrigins`, also sets the bucket's CORS rules so the
   * browser can PUT to a presigned upload URL directly (S3 answers the preflight from these rules).
   */
  async ensureBucket(opts: { corsOrigins?: string[] } = {}): Promise<void> {
    await this.createBucketIfMissing();
    if (opts.corsOrigins?.length) {
      await this.client.send(
        new PutBucketCorsCommand({
          Bucket: this.bucket,
          CORSConfiguration: {
            CORSRules: [
              {
                AllowedOrigins: opts.corsOrigins,
                AllowedMethods: ['PUT', 'GET', 'HEAD'],
                AllowedHeaders: ['*'],
                ExposeHeaders: ['ETag'],
                MaxAgeSeconds: 600,
              },
            ],
          },
        }),
      );
    }
  }

  private async createBucketIfMissing(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      if (!isMissing(e) && !(e instanceof S3ServiceException && e.name === 'NotFound')) throw e;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
      }
    }
  }

  async putFile(key: string, file: string, contentType: string, cacheControl?: string): Promise<void> {
    const { size } = await stat(file);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: contentType,
        CacheControl: cacheControl,
      }),
    );
  }

  async putBytes(key: string, body: Uint8Array | string, contentType: string, cacheControl?: string) {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        CacheControl: cacheControl,
      }),
    );
  }

  /** HEAD; null when the object does not exist. */
  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: r.ContentLength ?? 0, contentType: r.ContentType, etag: r.ETag };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /** GET (optionally a byte range, as an HTTP Range header value); null when missing. */
  async get(
    key: string,
    range?: string,
  ): Promise<{
    body: Readable;
    size: number;
    contentLength: number;
    contentRange?: string;
    contentType?: string;
    etag?: string;
    lastModified?: Date;
  } | null> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
      const total = r.ContentRange ? Number(r.ContentRange.split('/')[1]) : (r.ContentLength ?? 0);
      return {
        body: r.Body as Readable,
        size: total,
        contentLength: r.ContentLength ?? 0,
        contentRange: r.ContentRange,
        contentType: r.ContentType,
        etag: r.ETag,
        lastModified: r.LastModified,
      };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async getBytes(key: string): Promise<Buffer | null> {
    const r = await this.get(key);
    if (!r) return null;
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, etag: o.ETag });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Common prefixes one level below `prefix` (e.g. the versions under songs/<id>/hls/). */
  async listPrefixes(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const p of r.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Deletes every object under a prefix; returns how many. */
  async deletePrefix(prefix: string): Promise<number> {
    // Never a whole tree by accident: at least "<area>/<id>/".
    if (!prefix.endsWith('/') || prefix.split('/').length < 3)
      throw new Error(`refusing to delete prefix "${prefix}"`);
    const objects = await this.list(prefix);
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000);
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((o) => ({ Key: o.key })), Quiet: true },
        }),
      );
    }
    return objects.length;
  }

  /**
   * A presigned PUT the browser uploads to directly. Content-Length and Content-Type are signed, so
   * S3 refuses a body of any other size or type than the one declared to upload.create. With
   * `createOnly`, `If-None-Match: *` is signed too: S3 writes the object only while the key is empty
   * (a conditional write) and answers 412 once anything is there, so the URL writes at most once.
   */
  async presignPut(
    key: string,
    contentType: string,
    sizeBytes: number,
    expiresInSec = 900,
    opts: { createOnly?: boolean } = {},
  ): Promise<string> {
    const signed = ['content-type', 'content-length', ...(opts.createOnly ? ['if-none-match'] : [])];
    return getSignedUrl(
      this.client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: sizeBytes,
        ...(opts.createOnly ? { IfNoneMatch: '*' } : {}),
      }),
      { expiresIn: expiresInSec, signableHeaders: new Set(signed) },
    );
  }

  /**
   * Replaces `key` with an empty tombstone object (TOMBSTONE_TYPE). A create-only upload URL for
   * that key then gets 412 from S3 however often it is replayed: finalize leaves one at the upload
   * key until the URL has expired (the upload sweep job deletes it then).
   */
  async putTombstone(key: string): Promise<void> {
    await this.putBytes(key, new Uint8Array(0), TOMBSTONE_TYPE);
  }

  /** True when `key` holds a tombstone written by putTombstone. */
  async isTombstone(key: string): Promise<boolean> {
    const h = await this.head(key);
    return !!h && h.size === 0 && h.contentType === TOMBSTONE_TYPE;
  }

  /**
   * Copies `from` to `to` inside the bucket (server-side: the bytes are read once, at this moment) and
   * returns the copy's ETag. Finalize pins what it checks this way (docs/SECURITY.md).
   */
  async copy(from: string, to: string): Promise<{ etag: string }> {
    const r = await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: to,
        CopySource: `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
    const etag = r.CopyObjectResult?.ETag ?? (await this.head(to))?.etag;
    if (!etag) throw new Error(`copy of ${from} returned no ETag`);
    return { etag };
  }

  /**
   * Downloads `key` to the local file `file` (ffmpeg reads local files only). With `ifMatch`, S3
   * refuses (412) an object whose ETag is not that one. Returns the bytes written; refuses more than
   * `maxBytes`.
   */
  async download(
    key: string,
    file: string,
    opts: { ifMatch?: string; maxBytes?: number } = {},
  ): Promise<number> {
    const r = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: opts.ifMatch }),
    );
    if (opts.maxBytes !== undefined && (r.ContentLength ?? 0) > opts.maxBytes)
      throw new Error(`${key} is larger than ${opts.maxBytes} bytes`);
    let written = 0;
    const body = r.Body as Readable;
    const counted = async function* (src: Readable) {
      for await (const c of src) {
        written += (c as Buffer).length;
        if (opts.maxBytes !== undefined && written > opts.maxBytes)
          throw new Error(`${key} is larger than ${opts.maxBytes} bytes`);
        yield c as Buffer;
      }
    };
    await pipeline(body, counted, createWriteStream(file, { flags: 'wx' }));
    return written;
  }

  /** A short-lived presigned GET (for clients; ffmpeg never reads a URL: see download). */
  async presignGet(key: string, expiresInSec = 300): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSec,
    });
  }
}
