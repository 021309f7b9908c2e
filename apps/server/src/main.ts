// Entry point of the standalone server process. SIGTERM drains: /readyz turns 503 and responses
// carry "Connection: close" (the load balancer and keep-alive clients move away), the listener stops
// accepting, shutdown hooks run (socket.io tells its clients to reconnect elsewhere), in-flight
// requests finish, then connections to MongoDB, Redis and S3 close and the process exits 0.
import { createServer } from 'node:http';
import { countStreaming } from '@tonearm/core';
import { env } from '@tonearm/config';
import {
  enableDefaultMetrics,
  runShutdownHooks,
  setListenersStreamingProvider,
} from '@tonearm/observability';
import { createApplication } from './app';
import { createServerDeps } from './deps';

const cfg = env();
enableDefaultMetrics('server');
const deps = await createServerDeps();
setListenersStreamingProvider(() => countStreaming(deps.redis));
const server = createServer();
server.keepAliveTimeout = 65_000;
const webOrigin = `http://127.0.0.1:${cfg.WEB_PORT}`;
const app = createApplication(server, deps, {
  corsOrigins: [webOrigin, `http://localhost:${cfg.WEB_PORT}`],
  readinessChecks: { s3: deps.checkS3 },
  trustProxy: cfg.TRUST_PROXY,
});
server.listen(cfg.SERVER_PORT, cfg.SERVER_HOST, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.SERVER_PORT;
  deps.log.info({ 'server.port': port }, `tonearm server listening on http://${cfg.SERVER_HOST}:${port}`);
});

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
  app.beginDrain();
  // Stop accepting; Node closes idle keep-alive sockets now and busy ones after their response.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await runShutdownHooks(deps.log);
  const drained = await app.idle(cfg.SHUTDOWN_TIMEOUT_MS);
  await closed;
  await app.close();
  await deps.close();
  deps.log.info({ drained }, 'drained: exiting');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
