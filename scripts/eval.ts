// `pnpm eval search <file> [--names <file>]` and `pnpm eval recs <file>`: offline evaluation of search
// and recommendations on public data (docs/SEARCH.md "Offline evaluation"). Files: plain TSV, or gzip.
import { join } from 'node:path';
import { loadServicesEnv, repoRoot } from '@tonearm/config';
import { EvalFileError, readNames, readSearchCases } from './eval/files';
import { evaluateSearch } from './eval/search';

loadServicesEnv();
const [mode, file, ...rest] = process.argv.slice(2);
const opt = (name: string) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const usage =
  'usage: pnpm eval search <query\\texpected\\tkind file> [--names <name\\tplays file>]\n       pnpm eval recs <user\\titem\\tcount file>';

try {
  if (mode === 'search' && file) {
    const cases = readSearchCases(file);
    const names = readNames(opt('--names') ?? join(repoRoot(), 'data/eval/hetrec-lastfm-artists.tsv.gz'));
    const r = evaluateSearch(cases, names);
    console.log(
      `[eval search] ${r.n} queries over ${r.catalog} names: recall@1 ${r.recallAt1.toFixed(3)} recall@5 ${r.recallAt5.toFixed(3)} top result@1 ${r.topResultAt1.toFixed(3)} (p50 ${r.p50Ms.toFixed(2)} ms)`,
    );
    for (const m of r.misses.slice(0, 30))
      console.log(
        `  miss${m.rank >= 0 ? ` (at ${m.rank + 1})` : ''}: ${JSON.stringify(m.q)} → want ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.got.slice(0, 3))}`,
      );
  } else if (mode === 'recs' && file) {
    const { runRecsEval } = await import('./eval/recs');
    await runRecsEval(file);
  } else {
    console.error(usage);
    process.exit(2);
  }
} catch (e) {
  if (e instanceof EvalFileError) {
    console.error(`eval: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
