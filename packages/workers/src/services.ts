// Process-wide clients the processors share (SMTP transport, S3), built lazily from the environment
// so a worker that never sends mail never opens an SMTP connection. Tests may inject their own.
import { S3Client } from '@aws-sdk/client-s3';
import { createRedis, type RedisClient as Redis } from '@tonearm/cache';
import { env } from '@tonearm/config';
import nodemailer, { type Transporter } from 'nodemailer';

let mailer: Transporter | undefined;
let s3: S3Client | undefined;
let redis: Redis | undefined;

/** Request-style Redis client for processor bookkeeping (idempotency marks). */
export function getRedis(): Redis {
  if (!redis) {
    redis = createRedis({ commandTimeout: 2_000, enableOfflineQueue: true });
    redis.on('error', () => {});
  }
  return redis;
}

export function getMailer(): Transporter {
  if (!mailer) {
    const url = env().SMTP_URL;
    if (!url) throw new Error('SMTP_URL is not set: transactional mail cannot be sent');
    mailer = nodemailer.createTransport(url);
  }
  return mailer;
}

export function getS3(): S3Client {
  if (!s3) {
    const cfg = env();
    s3 = new S3Client({
      region: cfg.S3_REGION,
      endpoint: cfg.S3_ENDPOINT,
      forcePathStyle: cfg.S3_FORCE_PATH_STYLE,
      credentials:
        cfg.S3_ACCESS_KEY_ID && cfg.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: cfg.S3_ACCESS_KEY_ID, secretAccessKey: cfg.S3_SECRET_ACCESS_KEY }
          : undefined,
    });
  }
  return s3;
}

export function setServicesForTests(o: { mailer?: Transporter; s3?: S3Client; redis?: Redis }): void {
  if (o.redis) redis = o.redis;
  if (o.mailer) mailer = o.mailer;
  if (o.s3) s3 = o.s3;
}

export function closeServices(): void {
  mailer?.close();
  s3?.destroy();
  redis?.disconnect();
  mailer = undefined;
  s3 = undefined;
  redis = undefined;
}
