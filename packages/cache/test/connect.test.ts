// The connection factory's configuration: REDIS_CLUSTER_NODES parsing (hostile input gets a clear
// error naming the bad entry) and the client it selects.
import { env, resetEnvForTests } from '@tonearm/config';
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster, connectRedis, isCluster, parseClusterNodes, Redis } from '../src/connect';

describe('REDIS_CLUSTER_NODES', () => {
  const saved = process.env.REDIS_CLUSTER_NODES;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_CLUSTER_NODES;
    else process.env.REDIS_CLUSTER_NODES = saved;
    resetEnvForTests();
  });

  it('parses host:port seeds, with or without a redis:// scheme, IPv6 in brackets', () => {
    expect(parseClusterNodes(' 10.0.0.1:7000, redis://cache-2.internal:7001 ,[::1]:7002')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'cache-2.internal', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(parseClusterNodes('')).toBeUndefined();
    expect(parseClusterNodes(undefined)).toBeUndefined();
  });

  it.each([
    '10.0.0.1',
    '10.0.0.1:0',
    '10.0.0.1:65536',
    'host:7000/../x',
    'a b:7000',
    'host:7000,',
    '$(reboot):7000',
    'user:pass@host:7000',
  ])('refuses %j with an error naming the entry', (bad) => {
    expect(() => parseClusterNodes(bad)).toThrow(/REDIS_CLUSTER_NODES: ".*" is not host:port/);
    process.env.REDIS_CLUSTER_NODES = bad;
    resetEnvForTests();
    expect(() => env()).toThrow(/REDIS_CLUSTER_NODES: .* is not host:port/);
  });

  it('selects a Cluster client for seeds and a single node without', () => {
    const opts = { lazyConnect: true, enableOfflineQueue: false };
    const one = connectRedis({ url: 'redis://127.0.0.1:1' }, opts);
    const many = connectRedis(
      { url: 'rediss://u:p%40ss@127.0.0.1:1', clusterNodes: [{ host: '127.0.0.1', port: 1 }] },
      { ...opts, keyPrefix: 'x:', commandTimeout: 123 },
    );
    expect(one).toBeInstanceOf(Redis);
    expect(isCluster(one)).toBe(false);
    expect(many).toBeInstanceOf(Cluster);
    expect(isCluster(many)).toBe(true);
    const o = (many as Cluster).options;
    // Credentials and TLS from the URL reach every node; per-node knobs go to redisOptions.
    expect(o.redisOptions).toMatchObject({ username: 'u', password: 'p@ss', tls: {}, commandTimeout: 123 });
    expect(o.keyPrefix).toBe('x:');
    expect(o.enableOfflineQueue).toBe(false);
    one.disconnect();
    many.disconnect();
  });
});
