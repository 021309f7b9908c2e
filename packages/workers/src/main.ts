// Worker entry point: one BullMQ Worker per registered processor, a small HTTP listener for
// /metrics, /healthz and /readyz, and a graceful SIGTERM: stop taking jobs, let running ones finish
// (or hand them back when the deadline passes: their lock expires and another worker picks them up).
// The composition root of the worker process: its dependencies are built once here (deps.ts) and
// handed to every processor in its job context.
import { createServer } from 'node:http';
import { env } from '@tonearm/config';
import { connectDb, disconnectDb, mongoose } from '@tonearm/db';
import { enableDefaultMetrics, registry, setQueueDepthProvider } from '@tonearm/observability';
import { Jobs, queueDepths, queueNamesOf, workerConnection } from '@tonearm/queue';
import { createWorkerDeps } from './deps';
import { processors } from './registry';
import { startWorkers } from './runtime';

const cfg = env();
enableDefaultMetrics('worker');
await connectDb(cfg.MONGODB_URI);
const deps = await createWorkerDeps();
const { log, queues } = deps;
const names = [...new Set([...queueNamesOf(Jobs), ...processors.map((p) => p.job.queue)])];
setQueueDepthProvider(() => queueDepths(queues, names));

const pool = startWorkers({ processors, connection: () => workerConnection(), deps });
// Repeatable jobs (e.g. the neighbours refresh) are declared by their processors; upserting is idempotent.
for (const p of processors) {
  for (const s of p.schedules) {
    await queues
      .get(p.job.queue)
      .upsertJobScheduler(s.id, s.every ? { every: s.every } : { pattern: s.pattern }, {
        name: p.job.name,
        data: s.payload,
        opts: p.job.defaults,
      });
  }
}
log.info({ queues: processors.map((p) => p.job.queue) }, 'workers started');

let stopping = false;
const http = createServer((req, res) => {
  if (req.url === '/metrics') {
    void registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  } else if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  } else if (req.url === '/readyz') {
    const ok = !stopping && mongoose.connection.readyState === 1 && queues.connection.status === 'ready';
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
  } else {
    res.writeHead(404).end();
  }
});
http.listen(cfg.WORKER_METRICS_PORT, cfg.SERVER_HOST, () => {
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.WORKER_METRICS_PORT;
  log.info({ 'server.port': port }, `worker metrics on http://${cfg.SERVER_HOST}:${port}/metrics`);
});

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining workers');
  const timer = setTimeout(() => {
    log.warn('drain deadline passed: exiting; unfinished jobs return to their queue when their lock expires');
    process.exit(1);
  }, cfg.SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  await pool.close();
  await deps.close();
  http.close();
  await disconnectDb();
  log.info('workers drained');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
