// `pnpm bench [filter]`: runs bench/*.bench.ts (all, or those whose name contains filter) and writes
// the rows to .data/bench/results.json for docs/PERFORMANCE.md.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadServicesEnv, repoRoot } from '@tonearm/config';
import { Harness, type Row } from './harness';

loadServicesEnv();
const filter = process.argv[2];
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();
const rows: Row[] = [];
console.log(
  `# tonearm bench — ${new Date().toISOString()} — ${cpus().length}× ${cpus()[0]?.model} — node ${process.version}`,
);
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: (h: Harness) => Promise<void> };
  const h = new Harness(name);
  await mod.default(h);
  rows.push(...h.rows);
}
const out = join(repoRoot(), '.data', 'bench');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
process.exit(0);
