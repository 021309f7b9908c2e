// Accounts and mail, end to end on real services (issue 17): the API enqueues, the BullMQ email worker
// sends through nodemailer to a real SMTP sink (smtp-server), and the test reads each mail back.
// Verification on sign-up and email change, single-use expiring reset links, the password-changed
// notice, SMTP down → retried then dead-lettered with the reason, ADMIN_EMAILS granting admin only
// once verified, the host admin command on a fresh database, and account deletion leaving nothing.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import { newSession, testCallers } from '@tonearm/api/testing';
import { onEveryMaster } from '@tonearm/cache';
import { env, repoRoot, resetEnvForTests } from '@tonearm/config';
import type { MediaDeps } from '@tonearm/core';
import { Artist, mongoose, PlayEvent, Playlist, Song } from '@tonearm/db';
import { S3Storage } from '@tonearm/media';
import { DEAD_LETTER_QUEUE, Jobs, Queues, workerConnection } from '@tonearm/queue';
import { PresenceStore } from '@tonearm/realtime';
import { startTestServices, type TestServices, uid, withDbName } from '@tonearm/testing';
import {
  createWorkerDeps,
  type OwnedWorkerDeps,
  processors,
  startWorkers,
  type WorkerPool,
} from '@tonearm/workers';
import { Redis } from 'ioredis';
import { type ParsedMail, simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import sharp from 'sharp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { coverRoute } from '../src/cover-route';

let svc: TestServices;
let queues: Queues;
let pool: WorkerPool;
let workerDeps: OwnedWorkerDeps;
let smtp: SMTPServer;
let smtpPort = 0;
let storage: S3Storage;
const inbox: ParsedMail[] = [];
const prefix = `bull-acct${uid(3)}`;
const strong = () => `Pw-${randomBytes(12).toString('base64url')}`;
const adminAddress = `boss_${uid(3)}@example.test`;

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The newest mail to `to` whose subject matches, read back from the sink. */
const mailTo = (to: string, subject: RegExp) =>
  waitFor(async () =>
    [...inbox]
      .reverse()
      .find((m) => m.subject && subject.test(m.subject) && m.to && JSON.stringify(m.to).includes(to)),
  );
const linkIn = (m: ParsedMail) => /https?:\/\/\S+token=([A-Za-z0-9_-]{43})/.exec(m.text ?? '');

function deps() {
  return {
    cache: svc.cache,
    redis: svc.redis,
    log: svc.log,
    queues,
    presence: new PresenceStore(svc.redis),
    media: { storage } as unknown as MediaDeps,
  };
}

const { callerAs } = testCallers(deps);
const caller = (cookie?: string, resHeaders = new Headers()) => callerAs(cookie ?? null, { resHeaders });

/** Signs up through the API; returns the caller holding the new session cookie. */
async function signUp(email: string, password = strong()) {
  const res = new Headers();
  const handle = `u_${uid(4)}`;
  const me = await (await caller(undefined, res)).auth.signUp({
    email,
    handle,
    displayName: 'Tester',
    password,
  });
  const cookie = res.get('set-cookie')!.split(';')[0]!;
  return { me, cookie, password, handle, api: await caller(cookie) };
}

async function errorOf(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; reason?: string; detail: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as {
      code?: string;
      message: string;
      cause?: { details?: { reason?: string }; cause?: { issues?: unknown } };
    };
    const detail = `${err.message} ${JSON.stringify(err.cause?.cause?.issues ?? null)}`;
    return { code: err.code ?? 'UNKNOWN', message: err.message, reason: err.cause?.details?.reason, detail };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  process.env.ADMIN_EMAILS = adminAddress;
  resetEnvForTests();
  svc = await startTestServices();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => {
        inbox.push(m);
        cb();
      }, cb);
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  smtpPort = (smtp.server.address() as AddressInfo).port;
  storage = new S3Storage();
  await storage.ensureBucket();
  queues = new Queues(workerConnection(), { prefix });
  workerDeps = await createWorkerDeps({
    log: svc.log,
    redis: svc.redis,
    cache: svc.cache,
    queues,
    mailer: nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true }),
  });
  pool = startWorkers({ processors, connection: () => workerConnection(), deps: workerDeps, prefix });
});

afterAll(async () => {
  await pool?.close();
  await workerDeps?.close();
  await queues?.close();
  smtp?.close();
  await svc?.close();
});

describe('email verification', () => {
  it('sign-up mails a link read back from the SMTP sink; opening it verifies; a second use is refused', async () => {
    const email = `v_${uid()}@example.test`;
    const { me, cookie } = await signUp(email);
    expect(me.emailVerified).toBe(false);
    const mail = await mailTo(email, /Confirm your email address/);
    const m = linkIn(mail);
    expect(m?.[0]).toContain('/verify-email?token=');
    const verified = await (await caller()).auth.verifyEmail({ token: m![1]! });
    expect(verified.emailVerified).toBe(true);
    expect((await (await caller(cookie)).auth.me())?.emailVerified).toBe(true);
    const again = await errorOf((await caller()).auth.verifyEmail({ token: m![1]! }));
    expect(again).toMatchObject({ code: 'BAD_REQUEST', reason: 'TOKEN_USED' });
    expect(again.message).toMatch(/already used/);
    // The database holds only the token's hash.
    const stored = await mongoose.connection
      .db!.collection('account_tokens')
      .findOne({ userId: new mongoose.Types.ObjectId(me.id) });
    expect(JSON.stringify(stored)).not.toContain(m![1]!);
  });

  it('an email change takes effect only when the link mailed to the new address is opened', async () => {
    const { api, password, cookie } = await signUp(`old_${uid()}@example.test`);
    const next = `new_${uid()}@example.test`;
    expect(await api.account.changeEmail({ email: next, password })).toEqual({ pendingEmail: next });
    expect((await api.auth.me())?.email).not.toBe(next);
    const token = linkIn(await mailTo(next, /Confirm your email address/))![1]!;
    await (await caller()).auth.verifyEmail({ token });
    expect(await (await caller(cookie)).auth.me()).toMatchObject({ email: next, emailVerified: true });
  });

  it('a malformed token is refused by validation with a clear message', async () => {
    const e = await errorOf((await caller()).auth.verifyEmail({ token: 'not-a-token' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.detail).toMatch(/malformed/);
  });
});

describe('password reset', () => {
  it('a reset link works once, ends every session, mails a notice; reuse is refused', async () => {
    const email = `r_${uid()}@example.test`;
    const { cookie } = await signUp(email);
    expect(await (await caller()).auth.requestPasswordReset({ email })).toEqual({ ok: true });
    // Unknown addresses get the same answer (no enumeration) and no mail.
    expect(
      await (await caller()).auth.requestPasswordReset({ email: `nobody_${uid()}@example.test` }),
    ).toEqual({ ok: true });
    const token = linkIn(await mailTo(email, /Reset your Tonearm password/))![1]!;
    const password = strong();
    expect(await (await caller()).auth.resetPassword({ token, password })).toEqual({ ok: true });
    expect(await (await caller(cookie)).auth.me()).toBeNull();
    await mailTo(email, /password was changed/);
    const reused = await errorOf((await caller()).auth.resetPassword({ token, password: strong() }));
    expect(reused).toMatchObject({ code: 'BAD_REQUEST', reason: 'TOKEN_USED' });
    // The new password signs in; the old one does not.
    const me = await (await caller()).auth.logIn({ email, password });
    expect(me.email).toBe(email);
  });

  it('an expired reset link is refused with its own message', async () => {
    const email = `e_${uid()}@example.test`;
    await signUp(email);
    await (await caller()).auth.requestPasswordReset({ email });
    const token = linkIn(await mailTo(email, /Reset your Tonearm password/))![1]!;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + (env().PASSWORD_RESET_TTL_SECONDS + 5) * 1000 });
    try {
      const e = await errorOf((await caller()).auth.resetPassword({ token, password: strong() }));
      expect(e).toMatchObject({ code: 'BAD_REQUEST', reason: 'TOKEN_EXPIRED' });
      expect(e.message).toMatch(/expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('changing the password signs out the other sessions and mails a notice', async () => {
    const email = `c_${uid()}@example.test`;
    const { api, password, me, cookie } = await signUp(email);
    const second = await newSession(svc.redis, { id: me.id, role: 'user' }, 600);
    const other = await caller(second.cookie);
    expect(await other.auth.me()).not.toBeNull();
    const wrong = await errorOf(
      api.account.changePassword({ currentPassword: 'wrong-password-123', newPassword: strong() }),
    );
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(await api.account.changePassword({ currentPassword: password, newPassword: strong() })).toEqual({
      ok: true,
      signedOut: 1,
    });
    expect(await (await caller(second.cookie)).auth.me()).toBeNull();
    expect(await (await caller(cookie)).auth.me()).not.toBeNull();
    await mailTo(email, /password was changed/);
  });
});

describe('SMTP down', () => {
  it('a mail is retried, then dead-lettered with the reason, never lost silently', async () => {
    // A port nothing listens on: every attempt gets ECONNREFUSED.
    const dead = new SMTPServer({ authOptional: true });
    dead.listen(0, '127.0.0.1');
    await once(dead.server, 'listening');
    const downPort = (dead.server.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    workerDeps.mailer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: downPort,
      secure: false,
      ignoreTLS: true,
      connectionTimeout: 1_000,
    });
    try {
      const job = await queues.enqueue(
        Jobs.sendEmail,
        {
          template: 'passwordReset',
          to: `down_${uid()}@example.test`,
          name: 'X',
          link: 'http://127.0.0.1/reset-password?token=x',
        },
        { jobId: `down-${uid()}`, attempts: 3, backoff: { type: 'fixed', delay: 50 } },
      );
      const failed = await waitFor(async () => {
        const j = await queues.get('email').getJob(String(job.id));
        return j && (await j.isFailed()) ? j : null;
      });
      expect(failed.attemptsMade).toBe(3);
      const letter = await waitFor(() => queues.get(DEAD_LETTER_QUEUE).getJob(`email-${job.id}`));
      expect(letter.data).toMatchObject({ queue: 'email', jobId: job.id, attemptsMade: 3 });
      expect(letter.data.failedReason).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      workerDeps.mailer = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
      });
    }
  });
});

describe('the first admin', () => {
  it('an ADMIN_EMAILS sign-up is a plain user until its address is verified', async () => {
    const { me, api, cookie } = await signUp(adminAddress);
    expect(me.role).toBe('user');
    expect((await errorOf(api.admin.users({ limit: 5 }))).code).toBe('FORBIDDEN');
    const token = linkIn(await mailTo(adminAddress, /Confirm your email address/))![1]!;
    expect((await (await caller()).auth.verifyEmail({ token })).role).toBe('admin');
    // The open session gains the role at once.
    expect((await (await caller(cookie)).admin.users({ limit: 5 })).length).toBeGreaterThan(0);
  });

  it('the host command (pnpm admin) creates and promotes admins on a fresh database', async () => {
    const freshDb = `t_fresh_${uid()}`;
    const uri = withDbName(svc.mongoUri, freshDb);
    const run = (...args: string[]) =>
      execFileSync('pnpm', ['-s', 'admin', ...args], {
        cwd: repoRoot(),
        env: { ...process.env, MONGODB_URI: uri, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
      });
    const fresh = mongoose.createConnection(uri);
    try {
      const users = fresh.collection('users');
      expect(await users.countDocuments()).toBe(0);
      const first = `first_${uid()}@example.test`;
      const out = run('create', first);
      expect(out).toMatch(/created admin/);
      expect(out).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]{43}/);
      expect(await users.findOne({ email: first })).toMatchObject({ role: 'admin' });
      expect((await users.findOne({ email: first }))?.emailVerifiedAt).toBeInstanceOf(Date);
      await users.insertOne({
        email: `p@example.test`,
        handle: `p_${uid(3)}`,
        displayName: 'P',
        passwordHash: 'x',
        role: 'user',
      });
      expect(run('promote', 'p@example.test')).toMatch(/promoted/);
      expect(await users.findOne({ email: 'p@example.test' })).toMatchObject({ role: 'admin' });
      expect(() => run('promote', 'nobody@example.test')).toThrow();
    } finally {
      await fresh.dropDatabase().catch(() => {});
      await fresh.close();
    }
  }, 180_000);
});

describe('account deletion', () => {
  it('leaves nothing of the user in MongoDB, Redis or S3', async () => {
    const email = `del_${uid()}@example.test`;
    const { api, me, password, handle, cookie } = await signUp(email);
    const friend = await signUp(`f_${uid()}@example.test`);
    const uidObj = new mongoose.Types.ObjectId(me.id);
    // Everything a person accumulates: an upload with media in S3, plays, a playlist, a like, follows,
    // a request, an API key, presence and caches in Redis.
    const artist = await Artist.create({ name: `Del ${uid()}` });
    const song = await Song.create({
      title: 'Mine',
      artistId: artist._id,
      artistName: artist.name,
      uploaderId: uidObj,
    });
    const songKey = `songs/${String(song._id)}/hls/v1/master.m3u8`;
    await storage.putBytes(songKey, '#EXTM3U', 'application/vnd.apple.mpegurl');
    await storage.putBytes(`avatars/${me.id}/src-abcdefgh`, 'img', 'image/png');
    await storage.putTombstone(`uploads/${String(song._id)}/source.mp3`);
    await PlayEvent.create({
      eventId: `e-${uid()}`,
      userId: uidObj,
      songId: song._id,
      artistId: artist._id,
      startedAt: new Date(),
    });
    await api.playlist.create({ name: 'Mix', isPublic: true });
    await api.user.follow({ userId: friend.me.id });
    await friend.api.user.follow({ userId: me.id });
    await api.apiKey.create({ name: 'k', scopes: ['library:read'] });
    await new PresenceStore(svc.redis).heartbeat(
      me.id,
      { connId: 'conn-delete-1', sid: 's' },
      { state: 'online', device: 'web' },
    );
    await friend.api.people.profile({ handle });
    await friend.api.user.followers({ userId: me.id, limit: 5 });

    // Jobs naming the user in BullMQ: the verification mail (sent, kept as completed), a failed one.
    await mailTo(email, /Confirm your email address/);
    await queues.enqueue(
      Jobs.sendEmail,
      { template: 'passwordChanged', to: email, name: 'Tester' },
      { jobId: `del-test-${me.id}`, attempts: 1 },
    );
    await waitFor(async () => {
      const busy = await queues.get(Jobs.sendEmail.queue).getJobs(['active', 'waiting', 'delayed']);
      return busy.length === 0;
    });

    const bad = await errorOf(api.account.delete({ password, confirmHandle: 'someone_else' }));
    expect(bad.code).toBe('BAD_REQUEST');
    const report = await api.account.delete({ password, confirmHandle: handle });
    expect(report.songs).toBe(1);
    expect(report.s3Objects).toBeGreaterThanOrEqual(2);

    // MongoDB: every collection, every document, any field holding the id or the handle.
    const db = mongoose.connection.db!;
    const leftovers: string[] = [];
    for (const c of await db.listCollections().toArray()) {
      for (const doc of await db.collection(c.name).find({}).toArray()) {
        const s = JSON.stringify(doc);
        if (s.includes(me.id) || s.includes(`"${handle}"`)) leftovers.push(`${c.name}: ${s.slice(0, 120)}`);
      }
    }
    // Redis: every key under this test's prefix naming the user, and set/zset members naming them.
    // KEYS on every master: a Cluster's keys are spread over its nodes.
    const keys = (await onEveryMaster(svc.redis, (n) => n.keys('*'))).flat();
    const pfx = svc.redis.options.keyPrefix ?? '';
    for (const k of keys) {
      const name = k.slice(pfx.length);
      if (k.includes(me.id) || k.includes(handle)) leftovers.push(`redis key ${name}`);
      const type = await svc.redis.type(name);
      if (type === 'zset' && (await svc.redis.zrange(name, '0', '-1')).some((m) => m.includes(me.id)))
        leftovers.push(`redis zset member in ${name}`);
    }
    // BullMQ (this file's queues): no job id or payload naming the user's id or address.
    const raw = new Redis(env().REDIS_URL);
    try {
      for (const k of await raw.keys(`${prefix}:*`)) {
        const type = await raw.type(k);
        const content =
          type === 'hash'
            ? JSON.stringify(await raw.hgetall(k))
            : type === 'string'
              ? ((await raw.get(k)) ?? '')
              : type === 'list'
                ? (await raw.lrange(k, 0, -1)).join(' ')
                : type === 'zset'
                  ? (await raw.zrange(k, '0', '-1')).join(' ')
                  : type === 'set'
                    ? (await raw.smembers(k)).join(' ')
                    : '';
        if ([k, content].some((x) => x.includes(me.id) || x.includes(email))) leftovers.push(`bullmq ${k}`);
      }
    } finally {
      raw.disconnect();
    }
    // S3: the upload's media, its upload key's tombstone and the avatar.
    const areas = [`songs/${String(song._id)}/`, `uploads/${String(song._id)}/`, `avatars/${me.id}/`];
    for (const p of [...areas, `covers/user/${me.id}/`])
      for (const o of await storage.list(p)) leftovers.push(`s3 ${o.key}`);
    expect(leftovers).toEqual([]);
    expect(await Playlist.countDocuments({ ownerId: uidObj })).toBe(0);
    // Signed out: the session no longer works; the friend's profile of them is gone.
    expect(await (await caller(cookie)).auth.me()).toBeNull();
    expect((await errorOf(friend.api.people.profile({ handle }))).code).toBe('NOT_FOUND');
  });
});

/** A PNG whose header declares width×height over a one-row IDAT: tiny on disk, huge if decoded. */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const idat = deflateSync(Buffer.alloc(width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('avatars', () => {
  /** account.avatarUpload → PUT with the declared type → account.avatarUploaded; the job id. */
  async function uploadAvatar(
    api: Awaited<ReturnType<typeof caller>>,
    userId: string,
    bytes: Buffer,
    contentType: 'image/png' | 'image/jpeg' | 'image/webp' = 'image/png',
  ) {
    const { key, url, headers } = await api.account.avatarUpload({ contentType, bytes: bytes.length });
    expect(headers).toEqual({ 'content-type': contentType, 'if-none-match': '*' });
    const put = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
    expect(put.status).toBe(200);
    // Create-only: a second PUT of other bytes is refused by S3, so the job reads what was sent.
    const again = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes.length) });
    expect(again.status).toBe(412);
    await api.account.avatarUploaded({ key });
    return `cover-user-${userId}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  }
  /** Waits for the cover job to fail for good and returns its reason. */
  const failedReason = (jobId: string) =>
    waitFor(async () => {
      const job = await queues.get(Jobs.processCover.queue).getJob(jobId);
      return job && (await job.getState()) === 'failed' ? job.failedReason : null;
    });

  it('an uploaded image is resized by the image job and served on /covers/ at each size', async () => {
    const { api, me, handle } = await signUp(`av_${uid()}@example.test`);
    expect(me.avatarUrl).toBeNull();
    const png = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 40, b: 90 } },
    })
      .png()
      .toBuffer();
    await uploadAvatar(api, me.id, png);
    const url = await waitFor(async () => (await api.auth.me())?.avatarUrl);
    expect(url).toMatch(new RegExp(`^/covers/user/${me.id}/[0-9a-f]{12}/300\\.webp$`));
    // Everyone sees it: the profile and people search carry the same URL.
    const other = await signUp(`av2_${uid()}@example.test`);
    expect((await other.api.people.profile({ handle })).avatarUrl).toBe(url);
    // Served by the API server's public /covers/ route, square, in every size and format.
    const server = createServer((req, res) => void coverRoute(storage).handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const [size, ext, format] of [
        [64, 'jpg', 'jpeg'],
        [300, 'webp', 'webp'],
        [640, 'avif', 'heif'],
      ] as const) {
        const r = await fetch(`${base}${url!.replace('/300.webp', `/${size}.${ext}`)}`);
        expect(r.status).toBe(200);
        const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
        expect(meta).toMatchObject({ width: size, height: size, format });
      }
      // The original stays private: its key is not servable.
      const src = (await storage.list(`avatars/${me.id}/`))[0]!.key;
      expect((await fetch(`${base}/${src}`)).status).toBe(404);
      expect((await fetch(`${base}/covers/../${src}`)).status).toBe(404);
    } finally {
      server.close();
    }
  }, 60_000);

  it('hostile uploads: wrong declared type, oversize, non-image, SVG with script, decompression bomb', async () => {
    const { api, me } = await signUp(`avh_${uid()}@example.test`);
    // Only JPEG, PNG and WebP may be declared, up to 5 MB.
    const svgType = await errorOf(
      api.account.avatarUpload({ contentType: 'image/svg+xml' as 'image/png', bytes: 100 }),
    );
    expect(svgType.code).toBe('BAD_REQUEST');
    expect((await errorOf(api.account.avatarUpload({ contentType: 'image/png', bytes: 6e6 }))).code).toBe(
      'BAD_REQUEST',
    );
    // The declared type and size are signed: a PUT with another type is refused by S3.
    const body = Buffer.from('<svg/>');
    const slot = await api.account.avatarUpload({ contentType: 'image/png', bytes: body.length });
    const wrongType = await fetch(slot.url, {
      method: 'PUT',
      headers: { ...slot.headers, 'content-type': 'image/svg+xml' },
      body,
    });
    expect(wrongType.status).toBe(403);
    // Someone else's or a malformed key.
    const other = await signUp(`avo_${uid()}@example.test`);
    expect(
      (await errorOf(api.account.avatarUploaded({ key: `avatars/${other.me.id}/src-abcdefgh` }))).code,
    ).toBe('FORBIDDEN');
    expect((await errorOf(api.account.avatarUploaded({ key: `avatars/${me.id}/../x` }))).code).toBe(
      'BAD_REQUEST',
    );
    // Bytes that lie about being an image: the job refuses them by content, with the reason.
    const text = await uploadAvatar(api, me.id, Buffer.from('just some text, not a picture\n'.repeat(20)));
    expect(await failedReason(text)).toMatch(/not an image/);
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><script>alert(1)</script><rect width="64" height="64"/></svg>',
    );
    expect(await failedReason(await uploadAvatar(api, me.id, svg))).toMatch(
      /not an accepted image format: svg/,
    );
    const bomb = bombPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(100_000);
    expect(await failedReason(await uploadAvatar(api, me.id, bomb))).toMatch(/pixel limit|too large/);
    // None of them became the avatar, and nothing was written under covers/user/.
    expect((await api.auth.me())?.avatarUrl).toBeNull();
    expect(await storage.list(`covers/user/${me.id}/`)).toEqual([]);
  }, 60_000);
});
