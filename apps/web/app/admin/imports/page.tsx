'use client';
// Admin: library imports (issue 15). Each `pnpm import` run writes its counts as it goes (ImportRun);
// this page lists recent runs with their progress and refreshes while one is running.
import { useQuery } from '@tanstack/react-query';
import { describeError } from '../../../lib/errors';
import { formatDuration } from '../../../lib/format';
import { useTRPC } from '../../../lib/trpc';
import { usePageTitle } from '../../../lib/use-page-title';

const STATUS_TEXT = {
  scanning: 'Scanning',
  importing: 'Reading files',
  transcoding: 'Transcoding',
  done: 'Done',
  failed: 'Failed',
} as const;

export default function AdminImportsPage() {
  usePageTitle('Imports');
  const trpc = useTRPC();
  const runs = useQuery({
    ...trpc.imports.list.queryOptions({ limit: 20 }),
    retry: false,
    refetchInterval: (q) => (q.state.data?.some((r) => r.running && !r.stalled) ? 2_000 : 15_000),
  });
  if (runs.error) return <p className="notice error">{describeError(runs.error)}</p>;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Imports</h1>
          <p className="meta">
            Runs of <code>pnpm run import</code> on the server host, newest first. Imported tracks are
            transcoded below interactive uploads.
          </p>
        </div>
      </div>
      {runs.isPending && <p>Loading imports…</p>}
      {runs.data?.length === 0 && <p data-testid="no-imports">No import has run yet.</p>}
      {runs.data && runs.data.length > 0 && (
        <ul style={{ listStyle: 'none', padding: 0, display: 'grid', gap: 14 }} data-testid="import-runs">
          {runs.data.map((r) => {
            const state = r.stalled ? 'Stalled (no progress for 10 minutes)' : STATUS_TEXT[r.status];
            const pct = Math.round(r.progress * 100);
            return (
              <li key={r.id} className="card" style={{ gap: 6 }} data-status={r.status} data-run={r.id}>
                <span>
                  <strong>{state}</strong>
                  {r.running && !r.stalled && ` · ${pct}%`} · started {new Date(r.startedAt).toLocaleString()}
                </span>
                <code style={{ overflowWrap: 'anywhere' }}>{r.paths.join(', ') || '(no path)'}</code>
                {r.running && !r.stalled && (
                  <progress max={1} value={r.progress} aria-label={`Import progress: ${pct}%`} />
                )}
                <span className="meta" data-testid="import-counts">
                  {r.files} files · {r.audio} audio · {r.imported} new · {r.updated} updated · {r.unchanged}{' '}
                  unchanged · {r.duplicates} duplicates · {r.skipped} skipped · {r.queued} queued · {r.ready}{' '}
                  ready · {r.failed} failed · {formatDuration(r.durationSec)} of audio
                </span>
                {r.error && (
                  <span className="field-error" role="alert">
                    {r.error}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
