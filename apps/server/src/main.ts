// Entry point of the standalone server process.
import { createServer } from 'node:http';
import { env } from '@tonearm/config';
import { enableDefaultMetrics } from '@tonearm/observability';
import { createApplication } from './app';
import { createServerDeps } from './deps';
import { mediaEdgeRoute } from './media-edge';

const cfg = env();
enableDefaultMetrics('server');
const deps = await createServerDeps();
const server = createServer();
server.keepAliveTimeout = 65_000;
const webOrigin = `http://127.0.0.1:${cfg.WEB_PORT}`;
const corsOrigins = [webOrigin, `http://localhost:${cfg.WEB_PORT}`];
const edge =
  cfg.MEDIA_BASE_URL || !deps.media ? null : mediaEdgeRoute(deps.media.storage, deps.log, corsOrigins);
const app = createApplication(server, deps, { corsOrigins, routes: edge ? [edge] : [] });
server.listen(cfg.SERVER_PORT, cfg.SERVER_HOST, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.SERVER_PORT;
  deps.log.info({ 'server.port': port }, `tonearm server listening on http://${cfg.SERVER_HOST}:${port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  deps.log.info({ signal }, 'shutting down');
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  server.close();
  server.closeIdleConnections();
  await app.close();
  await deps.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
