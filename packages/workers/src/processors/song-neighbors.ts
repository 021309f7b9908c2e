// "More like this" and "For you" neighbours: the neighbour job of packages/core/src/recommend.ts (computed in the worker from listener rows).
// Idempotent: rows are replaced and the watermark moves only after the writes, so a retried or
// overlapping run recomputes the same rows.

import { refreshSongNeighbors } from '@tonearm/core';
import { Jobs } from '@tonearm/queue';
import { defineProcessor } from '../processor';

export const songNeighborsProcessor = defineProcessor({
  job: Jobs.songNeighbors,
  concurrency: 1,
  lockDuration: 10 * 60_000,
  schedules: [
    { id: 'song-neighbors-incremental', every: 10 * 60_000, payload: { mode: 'incremental' } },
    { id: 'song-neighbors-full', pattern: '17 4 * * *', payload: { mode: 'full' } },
  ],
  async handle(payload, ctx) {
    const run = await refreshSongNeighbors(ctx.deps, { mode: payload.mode });
    ctx.log.info({ ...run }, 'song neighbours refreshed');
    return run;
  },
});
