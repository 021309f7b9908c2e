// A Redis Cluster master killed (SIGKILL) and its replica promoted: a cached read and a play report
// work again on the SAME clients (no reconnect, no new client) within RECOVERY_BOUND_MS of the
// promotion, and a play reported during the outage is neither lost nor counted twice once its
// player retries it. The cluster is the test's own (six redis-server processes, three masters with a
// replica each, as scripts/services.sh starts them), so killing a master disturbs no other test.
// The promotion is `CLUSTER FAILOVER TAKEOVER` on the replica right after the kill: deterministic,
// where the cluster's own election would take cluster-node-timeout plus a vote on a loaded machine.
import { randomUUID } from 'node:crypto';
import { Cache, createRedis, type RedisClient, whenReady } from '@tonearm/cache';
import { Artist, PlayEvent, Song, Types } from '@tonearm/db';
import { Jobs, Queues } from '@tonearm/queue';
import {
  type PrivateCluster,
  redisCli,
  startPrivateCluster,
  startPrivateRedis,
  startTestServices,
  type TestServices,
  uid,
} from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreDeps } from '../src/deps';
import { PLAY_ENQUEUE_DEADLINE_MS, playJobId, reportPlay } from '../src/plays';

/** Every kind of request must work again this long after the promotion (as `pnpm drill redis-master`). */
const RECOVERY_BOUND_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let svc: TestServices;
let cluster: PrivateCluster;
let redis: RedisClient;
let queueConn: RedisClient;
let queues: Queues;
let cache: Cache;
let deps: CoreDeps;
const tag = `{tfo-${uid(3)}}`;
const userId = new Types.ObjectId().toHexString();
let songId: string;

const play = (eventId = randomUUID()) => ({
  eventId,
  songId,
  startedAt: new Date(),
  playedSec: 30,
  completed: true,
});

/** Retries `fn` every 100 ms until it resolves; returns the ms it took (or throws after `ms`). */
async function until(fn: () => Promise<unknown>, ms = 20_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      await fn();
      return Date.now() - t0;
    } catch (e) {
      if (Date.now() - t0 > ms) throw e;
      await sleep(100);
    }
  }
}

beforeAll(async () => {
  svc = await startTestServices();
  cluster = await startPrivateCluster();
  const target = { url: 'redis://127.0.0.1', clusterNodes: cluster.seeds };
  // The server's clients: request-path defaults (no offline queue, 500 ms commands) and the BullMQ
  // producer's (packages/queue producerConnection), on the test's own cluster.
  redis = createRedis({}, target);
  queueConn = createRedis(
    { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: undefined },
    target,
  );
  for (const c of [redis, queueConn]) c.on('error', () => {});
  await Promise.all([whenReady(redis, 15_000), whenReady(queueConn, 15_000)]);
  cache = new Cache(redis, { prefix: `c${uid(3)}` });
  queues = new Queues(queueConn, { prefix: tag });
  deps = { cache, redis, log: svc.log, queues };
  const artist = await Artist.create({ name: 'Failover Artist' });
  songId = String(
    (
      await Song.create({
        title: 'Failover',
        artistId: artist._id,
        artistName: artist.name,
        durationSec: 200,
      })
    )._id,
  );
}, 60_000);

afterAll(async () => {
  await queues?.close().catch(() => {});
  redis?.disconnect();
  queueConn?.disconnect();
  await cluster?.stop();
  await svc?.close();
});

describe('Redis Cluster failover (a master killed, its replica promoted)', () => {
  it('serves cached reads from Redis and accepts play reports again within the bound, on the same clients', async () => {
    const victim = await cluster.masterOf(tag);
    const replica = await cluster.replicaOf(victim);
    // A cache entry in the victim's slot: ids until one hashes there.
    const idsOnVictim: string[] = [];
    for (let i = 0; idsOnVictim.length < 40 && i < 2_000; i++) {
      const id = `s${i}`;
      if ((await cluster.masterOf(cache.key('song', id))) === victim) idsOnVictim.push(id);
    }
    expect(idsOnVictim.length).toBe(40);
    let loads = 0;
    const load = async () => {
      loads++;
      return { title: 'x' };
    };
    /** A read served by Redis: after one fill, the next read of the same key does not load. */
    let next = 0;
    const cachedRead = async () => {
      const id = idsOnVictim[next++ % idsOnVictim.length]!;
      await redis.del(cache.key('song', id), `${cache.key('song', id)}:gen`);
      await cache.getOrLoad('song', id, load);
      const before = loads;
      await cache.getOrLoad('song', id, load);
      if (loads !== before) throw new Error('not served by Redis');
    };
    // Warm: the queue has enqueued once (the enqueue deadline applies from then on) and reads hit.
    // (A freshly created cluster may still be settling its slot map: retried, as setup.)
    await until(cachedRead, 15_000);
    await until(() => reportPlay(deps, userId, play()), 15_000);

    victim.kill();
    // The producer's client notices the loss (its connection to the node ends) ...
    await until(async () => {
      if (!queues.inOutage()) throw new Error('no outage noticed yet');
    }, 5_000);
    // ... and from then on an enqueue with a deadline gives up at the deadline instead of being held
    // until the promotion or the end of ioredis' redirections (over 1.7 s in every run seen).
    let t = Date.now();
    const direct = await queues
      .enqueue(
        Jobs.countPlay,
        { eventId: 'outage-direct' },
        { jobId: 'play-outage-direct' },
        { deadlineMs: 300 },
      )
      .then(
        () => 'landed',
        (e: Error) => e.name,
      );
    expect(direct).toBe('TimeoutError');
    expect(Date.now() - t).toBeLessThan(1_500);
    // A play report during the outage fails (a 503 for the player to retry) after storing its event.
    const during = play();
    t = Date.now();
    const outcome = await reportPlay(deps, userId, during).then(
      () => 'accepted',
      (e: Error) => e.name,
    );
    const duringMs = Date.now() - t;
    if (process.env.TEST_FAILOVER_LOG) console.log({ outcome, duringMs });
    // TimeoutError: its 2 s deadline; Error: ioredis ran out of redirections first (both are 503s).
    expect(['TimeoutError', 'Error']).toContain(outcome);
    expect(duringMs).toBeLessThan(PLAY_ENQUEUE_DEADLINE_MS + 3_000);
    expect(await PlayEvent.countDocuments({ eventId: during.eventId })).toBe(1);

    await redisCli(replica.port, 'cluster', 'failover', 'takeover');
    await cluster.waitMasterOf(tag, replica);
    const readMs = await until(cachedRead);
    const reportMs = await until(() => reportPlay(deps, userId, play()));
    // The player retries the report that failed (same eventId): stored once, one counting job.
    const retried = await reportPlay(deps, userId, during);
    if (process.env.TEST_FAILOVER_LOG) console.log({ readMs, reportMs });
    expect(readMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(reportMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(retried.isDuplicate).toBe(true);
    expect(await PlayEvent.countDocuments({ eventId: during.eventId })).toBe(1);
    const job = await queues.get('stats').getJob(playJobId(userId, during.eventId));
    expect(job?.data.eventId).toBe(during.eventId);
    // Same client objects, still ready: nothing was recreated.
    expect(redis.status).toBe('ready');
    expect(queueConn.status).toBe('ready');
  }, 60_000);
});

describe('the enqueue deadline on a healthy Redis', () => {
  it('does not cut off a slow enqueue while the connection has reported no error', async () => {
    const r = await startPrivateRedis();
    const conn = createRedis(
      { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: undefined },
      { url: r.url },
    );
    try {
      await whenReady(conn);
      const q = new Queues(conn, { prefix: '{slow}' });
      const payload = { eventId: randomUUID() };
      await q.enqueue(Jobs.countPlay, payload, { jobId: `play-${payload.eventId}` });
      // Redis answers nothing for 1.5 s (a loaded server): the enqueue waits rather than failing.
      await redisCli(r.node.port, 'client', 'pause', '1500', 'all');
      const t = Date.now();
      const job = await q.enqueue(
        Jobs.countPlay,
        { eventId: 'slow-1' },
        { jobId: 'play-slow-1' },
        { deadlineMs: 300 },
      );
      expect(Date.now() - t).toBeGreaterThan(1_000);
      expect(job.id).toBe('play-slow-1');
      expect(q.inOutage()).toBe(false);
      await q.close();
    } finally {
      conn.disconnect();
      await r.stop();
    }
  }, 30_000);
});
