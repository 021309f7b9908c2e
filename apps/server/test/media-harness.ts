// Test harness for the media pipeline: the real server (tRPC + dev edge) on port 0 over the test's own
// MongoDB database, a BullMQ prefix of its own, versitygw, and a signed-in uploader.
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { ApiDeps, AppRouter } from '@tonearm/api';
import { signedInUser } from '@tonearm/api/testing';
import { createRedis } from '@tonearm/cache';
import { createMediaDepsFromEnv, type MediaDeps } from '@tonearm/core';
import { Song, type SongDoc } from '@tonearm/db';
import { hashTagged, producerConnection, Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { createWorkerDeps, type OwnedWorkerDeps, startWorker, transcodeProcessor } from '@tonearm/workers';
import { createTRPCClient, httpLink } from '@trpc/client';
import { createApplication, type Route } from '../src/app';
import { mediaEdgeRoute } from '../src/media-edge';

type Worker = ReturnType<typeof startWorker>;

export type CapturedEvent = { room: string[]; event: string; data: Record<string, unknown> };

/** What upload.create is told (the title defaults to "Test tone", the artist to "Test Artist"). */
export type UploadMeta = {
  title?: string;
  artistName?: string;
  albumTitle?: string;
  albumArtist?: string;
  trackNumber?: number;
  discNumber?: number;
};

export type MediaHarness = {
  svc: TestServices;
  url: string;
  media: MediaDeps;
  /** What the harness's workers receive in their job context (the same media deps). */
  workerDeps: OwnedWorkerDeps;
  bullPrefix: string;
  userId: string;
  cookie: string;
  client: ReturnType<typeof createTRPCClient<AppRouter>>;
  /** Response headers of the last tRPC call (Set-Cookie of playback.start). */
  lastHeaders: () => Headers | null;
  events: CapturedEvent[];
  startWorker(opts?: { lockDuration?: number; stalledInterval?: number }): Worker;
  /** upload.create → PUT to S3 → upload.finalize. */
  upload(file: string, meta?: UploadMeta): Promise<{ songId: string; finalize: Promise<unknown> }>;
  waitForSong(songId: string, pred: (s: SongDoc) => boolean, timeoutMs?: number): Promise<SongDoc>;
  close(): Promise<void>;
};

export async function startMediaHarness(
  limits: { maxDurationSec?: number; maxUploadBytes?: number } = {},
  opts: { routes?: (deps: ApiDeps) => Route[]; search?: ApiDeps['search'] } = {},
) {
  const svc = await startTestServices();
  const bullPrefix = hashTagged(`bull-${svc.prefix}`);
  const queues = new Queues(producerConnection(), { prefix: bullPrefix });
  const notifyRedis = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
  const sub = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
  const events: CapturedEvent[] = [];

  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const base = createMediaDepsFromEnv({ queues, notifyRedis, fallbackBaseUrl: `${url}/media/` });
  const media: MediaDeps = {
    ...base,
    limits: {
      maxDurationSec: limits.maxDurationSec ?? base.limits.maxDurationSec,
      maxUploadBytes: limits.maxUploadBytes ?? base.limits.maxUploadBytes,
    },
  };
  await media.storage.ensureBucket();
  const workerDeps = await createWorkerDeps({ log: svc.log, redis: svc.redis, cache: svc.cache, media });
  const edge = mediaEdgeRoute(media.storage, svc.log, []);
  if (!edge) throw new Error('CLOUDFRONT_PUBLIC_KEY_FILE is not set (run scripts/services.sh up)');
  const deps: ApiDeps = { cache: svc.cache, redis: svc.redis, log: svc.log, media, search: opts.search };
  createApplication(server, deps, { routes: [...(opts.routes?.(deps) ?? []), edge] });

  const { id: userId, cookie } = await signedInUser(svc.redis, { name: 'Uploader' });
  // What the workers push to the uploader's sockets: the sharded adapter's channel of room
  // user:<id>, frames in socket.io-adapter's ClusterAdapter format.
  await sub.ssubscribe(`socket.io#/#user:${userId}#`);
  sub.on('smessageBuffer', (_ch: Buffer, msg: Buffer) => {
    const m = JSON.parse(msg.toString()) as {
      data: { opts: { rooms: string[] }; packet: { data: [string, Record<string, unknown>] } };
    };
    events.push({ room: m.data.opts.rooms, event: m.data.packet.data[0], data: m.data.packet.data[1] });
  });
  let last: Headers | null = null;
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        headers: { cookie },
        fetch: async (u, init) => {
          const r = await fetch(u, init as RequestInit);
          last = r.headers;
          return r;
        },
      }),
    ],
  });
  const workers: Worker[] = [];

  const h: MediaHarness = {
    svc,
    url,
    media,
    workerDeps,
    bullPrefix,
    userId,
    cookie,
    client,
    lastHeaders: () => last,
    events,
    startWorker(opts = {}) {
      const w = startWorker(transcodeProcessor, {
        connection: workerConnection(),
        deps: workerDeps,
        prefix: bullPrefix,
        ...opts,
      });
      workers.push(w);
      return w;
    },
    async upload(file, meta = {}) {
      const { size } = await stat(file);
      const created = await client.upload.create.mutate({
        ...meta,
        title: meta.title ?? 'Test tone',
        artistName: meta.artistName ?? 'Test Artist',
        contentType: 'audio/mpeg',
        sizeBytes: size,
      });
      const put = await fetch(created.uploadUrl, {
        method: 'PUT',
        headers: created.uploadHeaders,
        body: await readFile(file),
      });
      if (!put.ok) throw new Error(`PUT failed: ${put.status} ${await put.text()}`);
      const finalize = client.upload.finalize.mutate({ songId: created.songId });
      finalize.catch(() => {});
      return { songId: created.songId, finalize };
    },
    async waitForSong(songId, pred, timeoutMs = 180_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = await Song.findById(songId).lean<SongDoc>();
        if (s && pred(s)) return s;
        if (Date.now() > until)
          throw new Error(`song ${songId} never matched; last: ${JSON.stringify(s?.media)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.close(true)));
      server.close();
      await workerDeps.close();
      await queues.close();
      queues.connection.disconnect();
      notifyRedis.disconnect();
      sub.disconnect();
      await svc.close();
    },
  };
  return h;
}
