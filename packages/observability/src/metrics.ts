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
};
