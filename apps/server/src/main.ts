// Entry point of the standalone server process. SIGTERM drains: /readyz turns 503 and responses
// carry "Connection: close" (the load balancer and keep-alive clients move away), the listener stops
// accepting, shutdown hooks run (socket.io tells its clients to reconnect elsewhere), in-flight
// requests finish, then connections to MongoDB, Redis and S3 close and the process exits 0.
import { createServer } from 'node:http';
import { env } from '@tonearm/config';
import { countStreaming } from '@tonearm/core';
import {
  enableDefaultMetrics,
  onShutdown,
  runShutdownHooks,
  setListenersStreamingProvider,
} from '@tonearm/observability';
import { parseTrustProxy } from '@tonearm/ratelimit';
import { queueDashboardRoute } from './admin-queues';
import { createApplication } from './app';
import { coverRoute } from './cover-route';
import { createServerDeps } from './deps';
import { mediaEdgeRoute } from './media-edge';
import { attachRealtime } from './realtime';
import { subsonicRoute } from './subsonic/handler';

const cfg = env();
enableDefaultMetrics('server');
const deps = await createServerDeps();
setListenersStreamingProvider(() => countStreaming(deps.redis));
const server = createServer();
server.keepAliveTimeout = 65_000;
const webOrigin = `http://127.0.0.1:${cfg.WEB_PORT}`;
const corsOrigins = cfg.ALLOWED_ORIGINS ?? [webOrigin, `http://localhost:${cfg.WEB_PORT}`];
const edge =
  cfg.MEDIA_BASE_URL || !deps.media ? null : mediaEdgeRoute(deps.media.storage, deps.log, corsOrigins);
const app = createApplication(server, deps, {
  corsOrigins,
  routes: [
    queueDashboardRoute(deps),
    ...(deps.media ? [coverRoute(deps.media.storage)] : []),
    subsonicRoute(deps, { trustProxy: parseTrustProxy(cfg.TRUST_PROXY) }),
    ...(edge ? [edge] : []),
  ],
  readinessChecks: { s3: deps.checkS3, search: deps.checkSearch },
  trustProxy: parseTrustProxy(cfg.TRUST_PROXY),
});
const realtime = attachRealtime(server, deps, {
  presence: deps.presence,
  corsOrigins,
});
// Sockets are long-lived: closing them during the drain makes their clients reconnect elsewhere.
onShutdown('socket.io', () => realtime.close());
server.listen(cfg.SERVER_PORT, cfg.SERVER_HOST, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.SERVER_PORT;
  deps.log.info({ 'server.port': port }, `tonearm server listening on http://${cfg.SERVER_HOST}:${port}`);
});

const QUIET_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  deps.log.info({ signal, 'http.in_flight': app.inFlight() }, 'draining');
  const timer = setTimeout(() => {
    deps.log.error({ 'http.in_flight': app.inFlight() }, 'drain deadline passed: exiting');
    process.exit(1);
  }, cfg.SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  // 1. Readiness fails and every response closes its connection, while the listener still accepts:
  //    the load balancer takes this instance out and keep-alive clients reconnect elsewhere.
  app.beginDrain();
  await sleep(cfg.SHUTDOWN_DRAIN_DELAY_MS);
  // 2. Stop accepting; sockets already open stay until their requests are answered.
  const closed = app.stopAccepting();
  await runShutdownHooks(deps.log);
  // 3. Wait for in-flight requests, and for a quiet spell so a request already on the wire on a
  //    fresh connection is read and answered rather than cut off; then drop idle sockets.
  let drained = false;
  do {
    drained = await app.idle(cfg.SHUTDOWN_TIMEOUT_MS);
    await sleep(QUIET_MS);
  } while (drained && app.inFlight() > 0);
  app.closeIdleConnections();
  await closed;
  await app.close();
  await deps.close();
  const { received, answered } = app.counts();
  deps.log.info(
    { drained, 'http.requests.received': received, 'http.requests.answered': answered },
    'drained: exiting',
  );
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
