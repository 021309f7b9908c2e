// One prom-client registry per process. Metric names are the contract with the committed Grafana
// dashboard and alert rules (ops/): rename here and there together.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
let defaultsOn = false;
export function enableDefaultMetrics(service: string): void {
  if (defaultsOn) return;
  defaultsOn = true;
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'tonearm_' });
}

type DepthProvider = () => Promise<Array<{ queue: string; state: string; count: number }>>;
let queueDepthProvider: DepthProvider | null = null;
/** The process that can see the queues (workers, server) registers how to read their depths. */
export function setQueueDepthProvider(p: DepthProvider | null): void {
  queueDepthProvider = p;
}
let listenersProvider: (() => Promise<number>) | null = null;
/** Registers how to count listeners streaming now (read from shared state at scrape time). */
export function setListenersStreamingProvider(p: (() => Promise<number>) | null): void {
  listenersProvider = p;
}

function once<T>(name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export const metrics = {
  trpcDuration: once(
    'tonearm_trpc_request_duration_seconds',
    () =>
      new Histogram({
        name: 'tonearm_trpc_request_duration_seconds',
        help: 'tRPC procedure latency',
        labelNames: ['procedure', 'type', 'code'] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
  ),
  trpcErrors: once(
    'tonearm_trpc_errors_total',
    () =>
      new Counter({
        name: 'tonearm_trpc_errors_total',
        help: 'tRPC errors by procedure and stable AppError code',
        labelNames: ['procedure', 'code'] as const,
        registers: [registry],
      }),
  ),
  cacheRequests: once(
    'tonearm_cache_requests_total',
    () =>
      new Counter({
        name: 'tonearm_cache_requests_total',
        help: 'Cache-aside lookups by namespace and result (hit, miss, error)',
        labelNames: ['namespace', 'result'] as const,
        registers: [registry],
      }),
  ),
  socketConnections: once(
    'tonearm_socket_connections',
    () =>
      new Gauge({
        name: 'tonearm_socket_connections',
        help: 'Open socket.io connections on this process',
        registers: [registry],
      }),
  ),
  listenersStreaming: once(
    'tonearm_listeners_streaming',
    () =>
      new Gauge({
        name: 'tonearm_listeners_streaming',
        help: 'Listeners with a play heartbeat in the last minute (cluster-wide, read from Redis)',
        registers: [registry],
        async collect() {
          if (listenersProvider) this.set(await listenersProvider().catch(() => 0));
        },
      }),
  ),
  /** Observed by the transcode job (issue 4): audio seconds encoded per wall-clock second. */
  transcodeRealtimeFactor: once(
    'tonearm_transcode_realtime_factor',
    () =>
      new Histogram({
        name: 'tonearm_transcode_realtime_factor',
        help: 'HLS ladder transcode speed: audio duration / wall time',
        buckets: [1, 2, 5, 10, 15, 20, 30, 50, 100],
        registers: [registry],
      }),
  ),
  queueDepth: once(
    'tonearm_queue_jobs',
    () =>
      new Gauge({
        name: 'tonearm_queue_jobs',
        help: 'BullMQ jobs per queue and state (waiting, active, delayed, failed, completed)',
        labelNames: ['queue', 'state'] as const,
        registers: [registry],
        async collect() {
          if (!queueDepthProvider) return;
          const rows = await queueDepthProvider().catch(() => []);
          this.reset();
          for (const r of rows) this.set({ queue: r.queue, state: r.state }, r.count);
        },
      }),
  ),
  jobDuration: once(
    'tonearm_job_duration_seconds',
    () =>
      new Histogram({
        name: 'tonearm_job_duration_seconds',
        help: 'BullMQ job run time by queue, job name and outcome',
        labelNames: ['queue', 'name', 'status'] as const,
        buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
        registers: [registry],
      }),
  ),
  jobsTotal: once(
    'tonearm_jobs_total',
    () =>
      new Counter({
        name: 'tonearm_jobs_total',
        help: 'BullMQ job attempts by queue and outcome (completed, failed, dead = failed past its retries)',
        labelNames: ['queue', 'status'] as const,
        registers: [registry],
      }),
  ),
  rateLimitDecisions: once(
    'tonearm_ratelimit_decisions_total',
    () =>
      new Counter({
        name: 'tonearm_ratelimit_decisions_total',
        help: 'Rate-limit checks by scope and result (allowed, blocked, blocked_cached, fail_open, fail_closed)',
        labelNames: ['scope', 'result'] as const,
        registers: [registry],
      }),
  ),
  httpInFlight: once(
    'tonearm_http_requests_in_flight',
    () =>
      new Gauge({
        name: 'tonearm_http_requests_in_flight',
        help: 'HTTP requests being served by this process',
        registers: [registry],
      }),
  ),
  httpRequests: once(
    'tonearm_http_requests_total',
    () =>
      new Counter({
        name: 'tonearm_http_requests_total',
        help: 'HTTP responses by route group and status code',
        labelNames: ['route', 'status'] as const,
        registers: [registry],
      }),
  ),
  emailsSent: once(
    'tonearm_emails_sent_total',
    () =>
      new Counter({
        name: 'tonearm_emails_sent_total',
        help: 'Transactional mails handed to SMTP, by template',
        labelNames: ['template'] as const,
        registers: [registry],
      }),
  ),
  playsCounted: once(
    'tonearm_plays_counted_total',
    () =>
      new Counter({
        name: 'tonearm_plays_counted_total',
        help: 'Play events counted into statistics (each exactly once)',
        registers: [registry],
      }),
  ),
};
