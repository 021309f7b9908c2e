// `pnpm graph`: the workspace package graph as the package.json files declare it, one line per
// package from the bottom layer up, checked against the map in tooling/layers.ts. `--mermaid` prints
// a Mermaid flowchart instead. Exits 1 when a package.json declares a dependency the map forbids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAYERS, type PackageName } from '../tooling/layers';

const root = join(import.meta.dirname, '..');

export interface Node {
  name: PackageName;
  deps: PackageName[];
  devDeps: PackageName[];
}

export function declaredGraph(): Node[] {
  const names = Object.keys(LAYERS) as PackageName[];
  const nodes = names.map((name): Node => {
    const pkg = JSON.parse(readFileSync(join(root, LAYERS[name].dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const ours = (deps: Record<string, string> = {}) =>
      Object.keys(deps)
        .filter((d) => d.startsWith('@tonearm/'))
        .map((d) => d.slice('@tonearm/'.length) as PackageName)
        .sort();
    return { name, deps: ours(pkg.dependencies), devDeps: ours(pkg.devDependencies) };
  });
  // Bottom layer first: a package comes after everything it depends on.
  const placed: Node[] = [];
  const left = [...nodes];
  while (left.length) {
    const i = left.findIndex((n) => n.deps.every((d) => placed.some((p) => p.name === d)));
    placed.push(...left.splice(Math.max(i, 0), 1));
  }
  return placed;
}

/** Dependencies a package.json declares that tooling/layers.ts does not allow (product or test). */
export function graphProblems(nodes = declaredGraph()): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    const layer = LAYERS[n.name];
    const product = new Set<string>(layer.may);
    const tests = new Set<string>([...layer.may, 'testing', ...(layer.testsMay ?? [])]);
    for (const d of n.deps)
      if (!product.has(d)) out.push(`${n.name} depends on ${d}, which tooling/layers.ts forbids`);
    for (const d of n.devDeps)
      if (!tests.has(d))
        out.push(`${n.name} (devDependencies) depends on ${d}, which tooling/layers.ts forbids`);
  }
  return out;
}

/** The graph as text, one line per package (docs/ARCHITECTURE.md embeds it through `pnpm docs`). */
export function graphText(nodes = declaredGraph()): string {
  const width = Math.max(...nodes.map((n) => n.name.length));
  return nodes
    .map((n) => {
      const dev = n.devDeps.length ? `   (tests: ${n.devDeps.join(', ')})` : '';
      return `${n.name.padEnd(width)} → ${n.deps.join(', ') || '—'}${dev}`;
    })
    .join('\n');
}

if (import.meta.main) {
  const nodes = declaredGraph();
  if (process.argv.includes('--mermaid')) {
    console.log('flowchart BT');
    for (const n of nodes) for (const d of n.deps) console.log(`  ${n.name} --> ${d}`);
  } else console.log(graphText(nodes));
  const problems = graphProblems(nodes);
  for (const p of problems) console.error(`✗ ${p}`);
  process.exit(problems.length ? 1 : 0);
}
