// Worker entry point: one BullMQ Worker per registered processor, closed gracefully on SIGTERM
// (running jobs finish or are handed back before the process exits).
import { env } from '@tonearm/config';
import { connectDb, disconnectDb } from '@tonearm/db';
import { enableDefaultMetrics, logger } from '@tonearm/observability';
import { QUEUE_PREFIX, Queues, workerConnection } from '@tonearm/queue';
import { Worker } from 'bullmq';
import { parsePayload } from './processor';
import { processors } from './registry';

const cfg = env();
const log = logger('tonearm-worker');
enableDefaultMetrics('worker');
await connectDb(cfg.MONGODB_URI);

const workers = processors.map(
  (p) =>
    new Worker(
      p.job.queue,
      async (job) =>
        p.handle(parsePayload(p.job, job.data), {
          job,
          log: log.child({ 'job.id': job.id, 'job.name': job.name }),
        }),
      {
        connection: workerConnection(cfg.REDIS_URL),
        prefix: QUEUE_PREFIX,
        concurrency: p.concurrency,
        lockDuration: p.lockDuration ?? 30_000,
      },
    ),
);
const schedulerQueues = new Queues(workerConnection(cfg.REDIS_URL));
for (const p of processors) {
  for (const s of p.schedules ?? []) {
    await schedulerQueues
      .get(p.job.queue)
      .upsertJobScheduler(s.id, s.every ? { every: s.every } : { pattern: s.pattern }, {
        name: p.job.name,
        data: p.job.schema.parse(s.payload),
        opts: p.job.defaults,
      });
  }
}
log.info({ queues: processors.map((p) => p.job.queue) }, 'workers started');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining workers');
  const timer = setTimeout(() => process.exit(1), 30_000);
  timer.unref();
  await Promise.all(workers.map((w) => w.close()));
  await schedulerQueues.close();
  await disconnectDb();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
