// The admin page of imports: recent ImportRun records (written live by `pnpm import`, library/import.ts and link.ts)
// with their progress. A run whose process died keeps its last status; it is shown as stalled once it
// has not moved for STALLED_AFTER_MS.
import { ImportRun, type ImportRunDoc } from '@tonearm/db';
import type { ImportRunView } from '@tonearm/validators';

export type { ImportRunView };

export const STALLED_AFTER_MS = 10 * 60_000;

export function importRunView(
  r: ImportRunDoc & { createdAt?: Date; updatedAt?: Date },
  now = Date.now(),
): ImportRunView {
  const status = (r.status ?? 'scanning') as ImportRunView['status'];
  const running = status !== 'done' && status !== 'failed';
  const updatedAt = r.updatedAt ?? r.createdAt ?? new Date(now);
  const done = (r.ready ?? 0) + (r.failed ?? 0);
  // Reading the files is the first half, their transcodes the second.
  const progress = !running
    ? 1
    : status === 'transcoding'
      ? 0.5 + 0.5 * ((r.queued ?? 0) > 0 ? Math.min(1, done / (r.queued ?? 1)) : 1)
      : status === 'importing' && r.files
        ? 0.5 * Math.min(1, (r.scanned ?? 0) / r.files)
        : 0;
  return {
    id: String(r._id),
    status,
    source: (r.source ?? 'cli') as ImportRunView['source'],
    paths: r.paths ?? [],
    files: r.files ?? 0,
    scanned: r.scanned ?? 0,
    audio: r.audio ?? 0,
    imported: r.imported ?? 0,
    updated: r.updated ?? 0,
    unchanged: r.unchanged ?? 0,
    duplicates: r.duplicates ?? 0,
    skipped: r.skipped ?? 0,
    queued: r.queued ?? 0,
    ready: r.ready ?? 0,
    failed: r.failed ?? 0,
    durationSec: r.durationSec ?? 0,
    progress,
    running,
    stalled: running && now - updatedAt.getTime() > STALLED_AFTER_MS,
    error: r.error ?? null,
    startedAt: (r.createdAt ?? updatedAt).toISOString(),
    updatedAt: updatedAt.toISOString(),
    finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
  };
}

/** The most recent runs, newest first (running ones are always among them while they are recent). */
export async function listImportRuns(limit: number): Promise<ImportRunView[]> {
  const runs = await ImportRun.find({}).sort({ createdAt: -1 }).limit(limit).lean<ImportRunDoc[]>();
  const now = Date.now();
  return runs.map((r) => importRunView(r, now));
}
