// The admin queue dashboard as a small server-rendered page (mounted under /admin/queues through
// createApplication's routes): depth per queue and state, recent imports, failed jobs with their
// reasons, and a retry button. The page's guard admits admin sessions only; the data comes from core's
// admin-queues service, as the queue.* tRPC procedures' does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiDeps } from '@tonearm/api';
import {
  adminQueueNames,
  authenticateHeaders,
  failedJobs,
  listImportRuns,
  queueOverview,
  retryFailedJob,
} from '@tonearm/core';
import { AppError } from '@tonearm/validators';
import type { Route } from './app';

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function headersOf(req: IncomingMessage) {
  return { get: (n: string) => (req.headers[n.toLowerCase()] as string | undefined) ?? null };
}

function send(res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8') {
  res
    .writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'x-frame-options': 'DENY',
    })
    .end(body);
}

export function queueDashboardRoute(deps: ApiDeps, prefix = '/admin/queues'): Route {
  return {
    prefix,
    async handle(req, res) {
      const { session } = await authenticateHeaders(deps.redis, headersOf(req));
      if (!session) return send(res, 401, 'Sign in as an admin first', 'text/plain');
      if (session.role !== 'admin') return send(res, 403, 'Admins only', 'text/plain');
      try {
        await page(req, res);
      } catch (e) {
        if (!(e instanceof AppError) || !e.expose) throw e;
        send(res, e.status, e.message, 'text/plain');
      }
    },
  };

  async function page(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');

    if (req.method === 'POST' && url.pathname === `${prefix}/retry`) {
      // Same-origin forms only (the session cookie is SameSite=Lax; this also stops other sites).
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host)
        return send(res, 403, 'Cross-origin', 'text/plain');
      const queue = url.searchParams.get('queue') ?? '';
      const jobId = url.searchParams.get('jobId') ?? '';
      const ok = await retryFailedJob(deps, queue, jobId).then(
        () => true,
        (e: unknown) => {
          if (e instanceof AppError && e.code === 'NOT_FOUND') return false;
          throw e;
        },
      );
      res.writeHead(303, { location: `${prefix}?retried=${ok ? 1 : 0}` }).end();
      return;
    }
    if (req.method !== 'GET' || (url.pathname !== prefix && url.pathname !== `${prefix}/`)) {
      return send(res, 404, 'Not found', 'text/plain');
    }
    const names = adminQueueNames();
    const [depths, failed, imports] = await Promise.all([
      queueOverview(deps),
      failedJobs(deps, 100),
      listImportRuns(20),
    ]);
    // Library imports (`pnpm run import`), newest first, with their live counts.
    const importRows = imports
      .map((r) => {
        const done = r.ready + r.failed;
        const pct = r.queued ? Math.round((done / r.queued) * 100) : r.status === 'done' ? 100 : 0;
        return (
          `<tr data-import="${esc(r.id)}"><td>${esc(r.startedAt)}</td><td>${esc(r.status)}</td>` +
          `<td>${esc(r.paths.join(', '))}</td><td>${r.scanned}/${r.files}</td><td>${r.imported}</td><td>${r.updated}</td>` +
          `<td>${r.unchanged}</td><td>${r.duplicates}</td><td>${r.skipped}</td>` +
          `<td><progress max="100" value="${pct}"></progress> ${r.ready}/${r.queued} ready, ${r.failed} failed</td></tr>`
        );
      })
      .join('');
    const states = [...new Set(depths.map((d) => d.state))];
    const depthRows = names
      .map(
        (q) =>
          `<tr><th>${esc(q)}</th>${states
            .map((s) => `<td>${depths.find((d) => d.queue === q && d.state === s)?.count ?? 0}</td>`)
            .join('')}</tr>`,
      )
      .join('');
    const failedRows = failed
      .map(
        (f) =>
          `<tr><td>${esc(f.queue)}</td><td>${esc(f.jobId)}</td><td>${esc(f.name)}</td><td>${f.attemptsMade}</td>` +
          `<td>${f.failedAt ? esc(new Date(f.failedAt).toISOString()) : ''}</td><td>${esc(f.failedReason)}</td>` +
          `<td><form method="post" action="${prefix}/retry?queue=${encodeURIComponent(f.queue)}&amp;jobId=${encodeURIComponent(f.jobId)}"><button>Retry</button></form></td></tr>`,
      )
      .join('');
    send(
      res,
      200,
      `<!doctype html><html><head><meta charset="utf-8"><title>Tonearm queues</title>
<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style></head>
<body><h1>Queues</h1><table><tr><th>queue</th>${states.map((s) => `<th>${esc(s)}</th>`).join('')}</tr>${depthRows}</table>
<h2>Imports</h2>
<table><tr><th>started</th><th>status</th><th>paths</th><th>scanned</th><th>imported</th><th>updated</th><th>unchanged</th><th>duplicates</th><th>skipped</th><th>transcodes</th></tr>${importRows || '<tr><td colspan="10">none</td></tr>'}</table>
<h2>Failed jobs (past their retries)</h2>
<table><tr><th>queue</th><th>job</th><th>name</th><th>attempts</th><th>failed at</th><th>reason</th><th></th></tr>${failedRows || '<tr><td colspan="7">none</td></tr>'}</table>
</body></html>`,
    );
  }
}
