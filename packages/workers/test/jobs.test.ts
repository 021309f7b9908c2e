// The BullMQ jobs against real Redis, MongoDB, S3 (versitygw) and an SMTP sink (smtp-server):
// retries and the dead-letter path, exactly-once play counting, mail read back from the sink, covers.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { env } from '@tonearm/config';
import { Album, Artist, mongoose, PlayDaily, PlayEvent, Song, Types, User } from '@tonearm/db';
import {
  DEAD_LETTER_QUEUE,
  Jobs,
  listFailed,
  Queues,
  queueDepths,
  retryFailed,
  workerConnection,
} from '@tonearm/queue';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import sharp from 'sharp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerDeps, type OwnedWorkerDeps, processors, startWorkers, type WorkerPool } from '../src';
import { coverPrefix } from '../src/processors/cover';

let svc: TestServices;
let queues: Queues;
let pool: WorkerPool;
let deps: OwnedWorkerDeps;
let smtp: SMTPServer;
const inbox: ParsedMail[] = [];
const prefix = `bull-t${uid(4)}`;
const s3 = new S3Client({
  region: env().S3_REGION,
  endpoint: env().S3_ENDPOINT,
  forcePathStyle: true,
  credentials: { accessKeyId: env().S3_ACCESS_KEY_ID!, secretAccessKey: env().S3_SECRET_ACCESS_KEY! },
});

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  svc = await startTestServices();
  // The SMTP sink: a real SMTP server on a free port that keeps every message it receives.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => {
        inbox.push(m);
        cb();
      }, cb);
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  await s3.send(new CreateBucketCommand({ Bucket: env().S3_BUCKET })).catch(() => {});
  queues = new Queues(workerConnection(), { prefix });
  deps = await createWorkerDeps({
    log: svc.log,
    redis: svc.redis,
    cache: svc.cache,
    queues,
    mailer: nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }),
  });
  pool = startWorkers({ processors, connection: () => workerConnection(), deps, prefix });
});

afterAll(async () => {
  await pool?.close();
  await deps?.close();
  await queues?.close();
  smtp?.close();
  await svc?.close();
});

async function seedSong() {
  const artist = await Artist.create({ name: `A ${uid()}` });
  const album = await Album.create({ title: 'Al', artistId: artist._id, artistName: artist.name });
  const song = await Song.create({
    title: 'S',
    artistId: artist._id,
    artistName: artist.name,
    albumId: album._id,
    albumTitle: 'Al',
    durationSec: 200,
  });
  const user = await User.create({
    email: `${uid()}@example.com`,
    handle: `u${uid()}`,
    displayName: 'U',
    passwordHash: 'x',
  });
  return { artist, album, song, user };
}

describe('play statistics', () => {
  it('counts one play exactly once despite a duplicate enqueue and a replayed job', async () => {
    const { artist, album, song, user } = await seedSong();
    const eventId = `ev-${uid()}`;
    await PlayEvent.create({
      eventId,
      userId: user._id,
      songId: song._id,
      artistId: artist._id,
      startedAt: new Date('2026-11-25T08:00:00Z'),
      playedSec: 180,
      completed: true,
    });
    // Same jobId twice (a retried request): BullMQ keeps one job.
    const a = await queues.enqueue(Jobs.countPlay, { eventId }, { jobId: `play-${eventId}` });
    const b = await queues.enqueue(Jobs.countPlay, { eventId }, { jobId: `play-${eventId}` });
    expect(b.id).toBe(a.id);
    await waitFor(async () => (await PlayEvent.findOne({ eventId }).lean())?.countedAt);
    await waitFor(async () => (await a.isCompleted()) || null);
    // A replay under another id (e.g. re-enqueued by an operator) finds the event already claimed.
    const c = await queues.enqueue(Jobs.countPlay, { eventId }, { jobId: `replay-${eventId}` });
    await waitFor(async () => (await c.isCompleted()) || null);
    expect((await queues.get('stats').getJob(String(c.id)))?.returnvalue).toEqual({ counted: false });

    expect((await Song.findById(song._id).lean())?.playCount).toBe(1);
    expect((await Artist.findById(artist._id).lean())?.playCount).toBe(1);
    expect((await Album.findById(album._id).lean())?.playCount).toBe(1);
    const daily = await PlayDaily.find({
      day: '2026-11-25',
      refId: mongoose.trusted({ $in: [song._id, artist._id, user._id] }),
    })
      .sort({ kind: 1 })
      .lean();
    expect(daily.map((d) => [d.kind, d.plays, d.playedSec])).toEqual([
      ['artist', 1, 180],
      ['song', 1, 180],
      ['user', 1, 180],
    ]);
  });

  it('counts many distinct events concurrently, each once', async () => {
    const { artist, song, user } = await seedSong();
    const ids = Array.from({ length: 20 }, () => `ev-${uid()}`);
    await PlayEvent.insertMany(
      ids.map((eventId) => ({
        eventId,
        userId: user._id,
        songId: song._id,
        artistId: artist._id,
        startedAt: new Date('2026-11-24T10:00:00Z'),
        playedSec: 30,
      })),
    );
    // Every event enqueued twice under its jobId, interleaved.
    await Promise.all(
      [...ids, ...ids].map((eventId) =>
        queues.enqueue(Jobs.countPlay, { eventId }, { jobId: `play-${eventId}` }),
      ),
    );
    await waitFor(
      async () =>
        (await PlayEvent.countDocuments({
          eventId: mongoose.trusted({ $in: ids }),
          countedAt: mongoose.trusted({ $ne: null }),
        })) === 20,
    );
    await waitFor(async () => ((await Song.findById(song._id).lean())?.playCount === 20 ? true : null));
    // The daily aggregates are written after the song counter: wait for every job to complete.
    await waitFor(
      async () => (await queues.get('stats').getJobCounts('active', 'waiting')).active === 0 || null,
    );
    await waitFor(async () => {
      const counts = await Promise.all(ids.map(async (id) => queues.get('stats').getJob(`play-${id}`)));
      return (await Promise.all(counts.map((j) => j?.isCompleted()))).every(Boolean) || null;
    });
    for (const kind of ['song', 'artist', 'user'] as const) {
      const refId = kind === 'song' ? song._id : kind === 'artist' ? artist._id : user._id;
      const d = await PlayDaily.findOne({ kind, refId, day: '2026-11-24' }).lean();
      expect(d?.plays).toBe(20);
      expect(d?.playedSec).toBe(600);
    }
  });
});

describe('play statistics after a worker died half-way through an event', () => {
  // The states a SIGKILL can leave (found by `pnpm drill worker`): the retry must complete the event
  // and count it once, whichever counters were already applied.
  async function partial(stage: 'song applied' | 'counted, guards left') {
    const { artist, album, song, user } = await seedSong();
    const eventId = `ev-${uid()}`;
    await PlayEvent.create({
      eventId,
      userId: user._id,
      songId: song._id,
      artistId: artist._id,
      startedAt: new Date('2026-11-23T08:00:00Z'),
      playedSec: 60,
      completed: true,
    });
    // The guard token the job writes into counters (eventId is unique per listener only).
    const token = `${String(user._id)}:${eventId}`;
    // What the job had written when it died (the same single-document updates it makes).
    await Song.updateOne({ _id: song._id }, { $inc: { playCount: 1 }, $push: { pendingPlays: token } });
    if (stage === 'counted, guards left') {
      await Artist.updateOne({ _id: artist._id }, { $inc: { playCount: 1 }, $push: { pendingPlays: token } });
      await Album.updateOne({ _id: album._id }, { $inc: { playCount: 1 }, $push: { pendingPlays: token } });
      for (const [kind, refId] of [
        ['song', song._id],
        ['artist', artist._id],
        ['user', user._id],
      ] as const)
        await PlayDaily.create({
          kind,
          refId,
          day: '2026-11-23',
          plays: 1,
          playedSec: 60,
          pendingPlays: [token],
        });
      await PlayEvent.updateOne({ eventId }, { $set: { countedAt: new Date() } });
    }
    const job = await queues.enqueue(Jobs.countPlay, { eventId }, { jobId: `play-${eventId}` });
    await waitFor(async () => (await job.isCompleted()) || null);
    for (const [model, id] of [
      [Song, song._id],
      [Artist, artist._id],
      [Album, album._id],
    ] as const) {
      const doc = await (model as typeof Song).findById(id).select({ playCount: 1, pendingPlays: 1 }).lean();
      expect(doc?.playCount).toBe(1);
      expect(doc?.pendingPlays ?? []).toEqual([]);
    }
    const daily = await PlayDaily.find({
      day: '2026-11-23',
      refId: mongoose.trusted({ $in: [song._id, artist._id, user._id] }),
    })
      .select({ kind: 1, plays: 1, playedSec: 1, pendingPlays: 1 })
      .sort({ kind: 1 })
      .lean();
    expect(daily.map((d) => [d.kind, d.plays, d.playedSec, d.pendingPlays ?? []])).toEqual([
      ['artist', 1, 60, []],
      ['song', 1, 60, []],
      ['user', 1, 60, []],
    ]);
    expect((await PlayEvent.findOne({ eventId }).lean())?.countedAt).toBeInstanceOf(Date);
  }

  it('died after the song counter: the retry adds the rest, not the song again', () =>
    partial('song applied'));
  it('died after countedAt, before the guards were removed: nothing is added, guards are removed', () =>
    partial('counted, guards left'));
});

describe('retries and the dead-letter path', () => {
  it('a job failing past its retries lands in the failed set with its reason and in the dead-letter queue', async () => {
    const eventId = `missing-${uid()}`;
    const job = await queues.enqueue(
      Jobs.countPlay,
      { eventId },
      { jobId: `play-${eventId}`, attempts: 3, backoff: { type: 'fixed', delay: 20 } },
    );
    const failed = await waitFor(async () => {
      const j = await queues.get('stats').getJob(String(job.id));
      return j && (await j.isFailed()) && j.failedReason ? j : null;
    });
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toBe(`play event ${eventId} not found`);
    const listed = await listFailed(queues, ['stats']);
    expect(listed.find((f) => f.jobId === job.id)?.failedReason).toBe(`play event ${eventId} not found`);
    const dead = await waitFor(() => queues.get(DEAD_LETTER_QUEUE).getJob(`stats-${job.id}`));
    expect(dead.data).toMatchObject({ queue: 'stats', jobId: job.id, attemptsMade: 3 });
    const depths = await queueDepths(queues, ['stats']);
    expect(depths.find((d) => d.state === 'failed')?.count).toBeGreaterThanOrEqual(1);
    // An operator retries it after the event arrives: it completes and leaves the dead-letter queue.
    const { artist, song, user } = await seedSong();
    await PlayEvent.create({
      eventId,
      userId: user._id,
      songId: song._id,
      artistId: artist._id,
      startedAt: new Date(),
    });
    expect(await retryFailed(queues, 'stats', String(job.id))).toBe(true);
    await waitFor(async () => (await queues.get('stats').getJob(String(job.id)))?.isCompleted());
    expect(await queues.get(DEAD_LETTER_QUEUE).getJob(`stats-${job.id}`)).toBeUndefined();
    expect((await Song.findById(song._id).lean())?.playCount).toBe(1);
  });

  it('an invalid payload fails at once, unretried', async () => {
    const q = queues.get('stats');
    const job = await q.add('stats.countPlay', { eventId: 42 }, { attempts: 5 });
    const failed = await waitFor(async () => {
      const j = await q.getJob(String(job.id));
      return j && (await j.isFailed()) && j.failedReason ? j : null;
    });
    // Started once, never retried (attemptsMade is not bumped for unrecoverable failures on every path).
    expect(failed.attemptsStarted).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid payload/);
  });
});

describe('transactional email', () => {
  it('sends a password-reset mail that the SMTP sink receives, once per job id', async () => {
    const to = `${uid()}@example.com`;
    const link = `https://tonearm.example/reset?token=${uid(16)}`;
    const key = `reset-${uid()}`;
    const job = await queues.enqueue(
      Jobs.sendEmail,
      { template: 'passwordReset', to, name: 'Ada <b>', link },
      { jobId: key },
    );
    const mail = await waitFor(async () => inbox.find((m) => m.headers.get('x-tonearm-job') === job.id));
    expect(mail.subject).toBe('Reset your Tonearm password');
    expect((mail.to as { text: string }).text).toBe(to);
    expect(mail.text).toContain(link);
    expect(mail.html).toContain('Ada &lt;b&gt;');
    // The same idempotency key again: the job already exists, nothing new is sent.
    await queues.enqueue(
      Jobs.sendEmail,
      { template: 'passwordReset', to, name: 'Ada', link },
      { jobId: key },
    );
    // A retried job whose mail went out (its mark is set) skips the send.
    await waitFor(async () => (await queues.get('email').getJob(String(job.id)))?.isCompleted());
    const again = await queues.get('email').getJob(String(job.id));
    await again!.retry('completed');
    await waitFor(async () => (await queues.get('email').getJob(String(job.id)))?.isCompleted());
    expect((await queues.get('email').getJob(String(job.id)))?.returnvalue).toEqual({ skipped: true });
    expect(inbox.filter((m) => m.headers.get('x-tonearm-job') === job.id)).toHaveLength(1);
  });

  it('sends a verify-address mail with its link', async () => {
    const to = `${uid()}@example.com`;
    const v = await queues.enqueue(
      Jobs.sendEmail,
      { template: 'verifyEmail', to, name: 'Bo', link: 'https://tonearm.example/verify?t=abc' },
      { jobId: `verify-${uid()}` },
    );
    const vm = await waitFor(async () => inbox.find((m) => m.headers.get('x-tonearm-job') === v.id));
    expect(vm.subject).toBe('Confirm your email address');
    expect(vm.text).toContain('https://tonearm.example/verify?t=abc');
  });
});

describe('cover images', () => {
  it('resizes an uploaded cover to every size in AVIF, WebP and JPEG in S3', async () => {
    const { album } = await seedSong();
    const src = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    const sourceKey = `uploads/covers/${uid()}.png`;
    await s3.send(new PutObjectCommand({ Bucket: env().S3_BUCKET, Key: sourceKey, Body: src }));
    const id = String(album._id);
    await queues.enqueue(Jobs.processCover, { kind: 'album', id, sourceKey }, { jobId: `cover-album-${id}` });
    const prefix = coverPrefix('album', id, sourceKey);
    await waitFor(async () => (await Album.findById(album._id).lean())?.coverKey === prefix || null, 30_000);
    for (const [size, ext, format] of [
      [64, 'avif', 'heif'],
      [300, 'webp', 'webp'],
      [640, 'jpg', 'jpeg'],
    ] as const) {
      const obj = await s3.send(
        new GetObjectCommand({ Bucket: env().S3_BUCKET, Key: `${prefix}${size}.${ext}` }),
      );
      const meta = await sharp(Buffer.from(await obj.Body!.transformToByteArray())).metadata();
      expect([meta.width, meta.height, meta.format]).toEqual([size, size, format]);
    }
  });

  it('rejects a source that is not an image without retrying', async () => {
    const sourceKey = `uploads/covers/${uid()}.png`;
    await s3.send(new PutObjectCommand({ Bucket: env().S3_BUCKET, Key: sourceKey, Body: 'not an image' }));
    const id = String(new Types.ObjectId());
    const job = await queues.enqueue(
      Jobs.processCover,
      { kind: 'artist', id, sourceKey },
      { jobId: `cover-artist-${id}` },
    );
    const failed = await waitFor(async () => {
      const j = await queues.get('covers').getJob(String(job.id));
      return j && (await j.isFailed()) && j.failedReason ? j : null;
    });
    expect(failed.attemptsStarted).toBe(1);
    expect(failed.failedReason).toMatch(/^not an image/);
  });
});
