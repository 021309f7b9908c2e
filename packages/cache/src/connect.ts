// Connecting to a single node or a Redis Cluster, with no configuration module (the web proxy's
// bundle imports this file alone). Everything else calls createRedis() in ./redis.
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

export { Cluster, Redis };

/** A connection as createRedis returns it: one node or a Cluster (same command API). */
export type RedisClient = Redis | Cluster;

/** Where to connect: one node's URL, or Cluster seeds (user, password and TLS from `url`). */
export type RedisTarget = { url: string; clusterNodes?: { host: string; port: number }[] | undefined };

export function isCluster(r: RedisClient): r is Cluster {
  return (r as { isCluster?: boolean }).isCluster === true;
}

/** REDIS_CLUSTER_NODES as the config module validates it: host:port, comma-separated. */
export function parseClusterNodes(v: string | undefined): { host: string; port: number }[] | undefined {
  if (!v?.trim()) return undefined;
  return v.split(',').map((raw) => {
    const m = /^\s*(?:rediss?:\/\/)?([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?\s*$/.exec(raw);
    const port = Number(m?.[2]);
    if (!m?.[1] || !(port > 0 && port < 65536))
      throw new Error(`REDIS_CLUSTER_NODES: "${raw.trim()}" is not host:port`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

export function connectRedis(target: RedisTarget, opts: RedisOptions): RedisClient {
  if (!target.clusterNodes?.length) return new Redis(target.url, opts);
  return new Cluster(target.clusterNodes, clusterOptions(target.url, opts));
}

/** A second connection to the same deployment (a subscriber), with some options changed. */
export function duplicateRedis(r: RedisClient, o: RedisOptions): RedisClient {
  if (!isCluster(r)) return r.duplicate(o);
  const { enableOfflineQueue, keyPrefix, ...node } = o;
  return r.duplicate(undefined, {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    redisOptions: { ...r.options.redisOptions, ...node },
  });
}

/** Maps the single-node knobs onto a Cluster's: per-node ones go to redisOptions. */
function clusterOptions(url: string, o: RedisOptions): ClusterOptions {
  const {
    keyPrefix,
    enableOfflineQueue,
    enableReadyCheck,
    retryStrategy,
    lazyConnect,
    host: _h,
    port: _p,
    path: _path,
    ...node
  } = o;
  const u = new URL(url);
  return {
    keyPrefix,
    enableOfflineQueue,
    enableReadyCheck,
    lazyConnect,
    // Reconnecting to the cluster as a whole (all seeds away): the same pace as a single node's.
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) : undefined,
    // A failover: a killed master's slots move to its replica in about cluster-node-timeout; until
    // then commands get CLUSTERDOWN or connection errors, which ioredis retries at these delays.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshTimeout: 2_000,
    // A promoted replica is learnt within a second even by a client that sees no MOVED (its
    // commands for the slot were going to the dead master).
    slotsRefreshInterval: 1_000,
    // Sharded pub/sub (SSUBSCRIBE) follows each channel's slot to its master (the socket.io adapter).
    shardedSubscribers: true,
    redisOptions: {
      ...node,
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}
