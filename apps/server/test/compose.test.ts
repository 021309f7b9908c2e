// docker-compose.yml cannot be started here (no Docker daemon): this checks what can be checked
// without it. The file parses as YAML; the stack has every production part; servers run twice
// behind the load balancer with a drain-sized stop grace period; the mounted ops files exist; the
// nginx upstream names both servers and overwrites X-Forwarded-For (the rate limiter's client IP).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..', '..');

type Service = {
  image?: string;
  build?: { target: string };
  environment?: Record<string, string>;
  volumes?: string[];
  stop_grace_period?: string;
  command?: string[] | string;
};

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

describe('docker-compose.yml', () => {
  const s = compose.services;

  it('has the production-like stack', () => {
    for (const name of [
      'mongo1',
      'mongo2',
      'mongo3',
      'mongo-init',
      'redis',
      's3',
      'server1',
      'server2',
      'worker',
      'web',
      'lb',
      'prometheus',
      'grafana',
    ]) {
      expect(s, name).toHaveProperty(name);
    }
    expect(s.mongo1!.command).toContain('--replSet');
    expect(s.server1!.environment!.MONGODB_URI).toContain('replicaSet=rs0');
    expect(s.redis!.command).toContain('noeviction');
  });

  it('runs two API servers from one image, with a stop grace period longer than the drain', () => {
    expect(s.server1!.build!.target).toBe('server');
    expect(s.server2!.build!.target).toBe('server');
    const env = s.server1!.environment!;
    expect(env.TRUST_PROXY).toBe('1');
    const grace = Number.parseInt(s.server1!.stop_grace_period!, 10) * 1000;
    expect(grace).toBeGreaterThan(Number(env.SHUTDOWN_DRAIN_DELAY_MS) + Number(env.SHUTDOWN_TIMEOUT_MS));
  });

  it('publishes only the load balancer on every interface, and has no default secrets', () => {
    const raw = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    for (const [name, svc] of Object.entries(s) as [string, Service & { ports?: string[] }][]) {
      for (const p of svc.ports ?? []) {
        if (name === 'lb') continue;
        expect(p, `${name} publishes ${p}`).toMatch(/^127\.0\.0\.1:/);
      }
    }
    // Secrets must be set: ${VAR:?message} fails `docker compose up` instead of using a default.
    for (const v of ['SESSION_SECRET', 'S3_SECRET_ACCESS_KEY', 'GRAFANA_ADMIN_PASSWORD'])
      expect(raw, v).not.toMatch(new RegExp(`\\$\\{${v}:-`));
    expect(raw).not.toMatch(/change-me/);
    expect(s.grafana!.environment!.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
  });

  it('mounts ops files that exist', () => {
    for (const svc of Object.values(s)) {
      for (const v of svc.volumes ?? []) {
        const host = v.split(':')[0]!;
        if (host.startsWith('./')) expect(existsSync(join(root, host)), host).toBe(true);
      }
    }
  });

  it('has Dockerfile targets for every built service', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    for (const svc of Object.values(s)) {
      if (svc.build) expect(dockerfile).toMatch(new RegExp(`^FROM .* AS ${svc.build.target}$`, 'm'));
    }
  });

  it('balances both servers in nginx and overwrites X-Forwarded-For', () => {
    const nginx = readFileSync(join(root, 'ops/nginx/nginx.conf'), 'utf8');
    expect(nginx).toMatch(/server server1:18001/);
    expect(nginx).toMatch(/server server2:18001/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(nginx.split('{').length).toBe(nginx.split('}').length);
  });
});
