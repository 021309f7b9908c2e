// `pnpm eval search <file> [--names <file>]` and `pnpm eval recs <file>`: offline evaluation of search
// and recommendations on public data (docs/SEARCH.md "Offline evaluation"). Files: plain TSV, or gzip.
import { join } from 'node:path';
import { loadServicesEnv, repoRoot } from '@tonearm/config';
import { EvalFileError, readNames, readSearchCases } from './eval/files';
import { evaluateSearch, halves } from './eval/search';

loadServicesEnv();
const [mode, file, ...rest] = process.argv.slice(2);
const opt = (name: string) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const usage =
  'usage: pnpm eval search <query\\texpected\\tkind file> [--names <name\\tplays file>] [--halves SEED]\n       pnpm eval recs <user\\titem\\tcount file>';

try {
  if (mode === 'search' && file) {
    // `--halves SEED`: the same figures on two halves of the file (seeded shuffle).
    const seed = opt('--halves');
    if (rest.includes('--halves') && (seed === undefined || !/^\d{1,9}$/.test(seed)))
      throw new EvalFileError('--halves takes a non-negative integer seed');
    const cases = readSearchCases(file);
    const names = readNames(opt('--names') ?? join(repoRoot(), 'data/eval/hetrec-lastfm-artists.tsv.gz'));
    const report = (label: string, cs: typeof cases) => {
      const r = evaluateSearch(cs, names);
      console.log(
        `[eval search] ${label}${r.n} queries over ${r.catalog} names: recall@1 ${r.recallAt1.toFixed(3)} recall@5 ${r.recallAt5.toFixed(3)} top result@1 ${r.topResultAt1.toFixed(3)} closest match@1 when no result ${r.closestAt1.toFixed(3)} (p50 ${r.p50Ms.toFixed(2)} ms)`,
      );
      return r;
    };
    const r = report('', cases);
    for (const m of r.misses.slice(0, 30))
      console.log(
        `  miss${m.rank >= 0 ? ` (at ${m.rank + 1})` : ''}${m.fromClosest ? ` [no result; closest matches${m.closest >= 0 ? `, answer at ${m.closest + 1}` : ''}]` : ''}: ${JSON.stringify(m.q)} → want ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.got.slice(0, 3))}`,
      );
    // `--halves SEED`: the same figures on two halves of the file (seeded shuffle), to see that a
    // gain is not carried by a few queries of one half.
    if (seed !== undefined) {
      const [a, b] = halves(cases, Number(seed));
      report(`half A (seed ${seed}): `, a);
      report(`half B (seed ${seed}): `, b);
    }
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
