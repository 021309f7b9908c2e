// Sums every suite's results into the one closing line CI reads: "N passed, N failed".
// usage: node scripts/summarize.mjs <reports-dir>
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.data/reports';
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];

// vitest.json (the main run) and vitest-<name>.json (runs of some files in another setting, such
// as vitest-cluster.json: the Redis users' suites on a Redis Cluster).
const vitestFiles = readdirSync(dir).filter((n) => /^vitest(-[\w-]+)?\.json$/.test(n));
if (!vitestFiles.includes('vitest.json')) {
  failed += 1;
  rows.push('vitest: no report (did not run)');
}
for (const f of vitestFiles.sort()) {
  const v = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  // A file that failed to load counts as a failure even though it reports no tests.
  const broken = (v.testResults ?? []).filter(
    (r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0,
  ).length;
  passed += v.numPassedTests;
  failed += v.numFailedTests + broken;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  rows.push(`${f.replace(/\.json$/, '')}: ${v.numPassedTests} passed, ${v.numFailedTests + broken} failed`);
}

// playwright.json (the main suites) and playwright-<name>.json (suites with a config of their own,
// such as the newcomer suite against the stack run.sh starts).
const pwFiles = readdirSync(dir).filter((n) => /^playwright(-[\w-]+)?\.json$/.test(n));
if (!pwFiles.includes('playwright.json')) {
  failed += 1;
  rows.push('playwright: no report (did not run)');
}
for (const f of pwFiles.sort()) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const s = p.stats ?? {};
  const errs = (p.errors ?? []).length;
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += (s.unexpected ?? 0) + errs;
  skipped += s.skipped ?? 0;
  rows.push(
    `${f.replace(/\.json$/, '')}: ${(s.expected ?? 0) + (s.flaky ?? 0)} passed, ${(s.unexpected ?? 0) + errs} failed`,
  );
}

for (const f of readdirSync(dir).filter((n) => n.endsWith('.check'))) {
  const status = readFileSync(join(dir, f), 'utf8').trim();
  if (status === '0') passed++;
  else failed++;
  rows.push(`${f.replace(/\.check$/, '')}: ${status === '0' ? 'passed' : `failed (exit ${status})`}`);
}

console.log(rows.map((r) => `  ${r}`).join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
