// Retention of raw play events: once a day, events counted more than PLAY_EVENTS_RETENTION_DAYS ago
// are rolled into play_archive and deleted (packages/core/src/play-archive.ts). Idempotent and
// resumable: a run that died is finished by the next.
import { env } from '@tonearm/config';
import { archivePlayEvents } from '@tonearm/core';
import { Jobs } from '@tonearm/queue';
import { defineProcessor } from '../processor';

export const playArchiveProcessor = defineProcessor({
  job: Jobs.archivePlays,
  concurrency: 1,
  lockDuration: 10 * 60_000,
  schedules: [{ id: 'plays-archive-daily', pattern: '43 3 * * *', payload: {} }],
  async handle(payload, ctx) {
    const run = await archivePlayEvents({
      retentionDays: payload.retentionDays ?? env().PLAY_EVENTS_RETENTION_DAYS,
    });
    ctx.log.info({ ...run }, 'play events archived');
    return run;
  },
});
