// Writes the package map of tooling/layers.ts into biome.json (its `overrides`), formatted by Biome.
// `--check` only reports whether biome.json is up to date (tooling/test/lint-map.test.ts runs the
// same comparison).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { biomeOverrides } from '../tooling/layers';

const root = join(import.meta.dirname, '..');
const file = join(root, 'biome.json');

/** Whether biome.json's overrides are the ones tooling/layers.ts generates. */
export function biomeJsonUpToDate(text = readFileSync(file, 'utf8')): boolean {
  const config = JSON.parse(text) as { overrides?: unknown };
  return isDeepStrictEqual(config.overrides, biomeOverrides());
}

if (import.meta.main) {
  if (process.argv.includes('--check')) {
    if (!biomeJsonUpToDate()) {
      console.error('biome.json is out of date with tooling/layers.ts: run `pnpm lint:layers`');
      process.exit(1);
    }
  } else if (!biomeJsonUpToDate()) {
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, `${JSON.stringify({ ...config, overrides: biomeOverrides() }, null, 2)}\n`);
    execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], {
      stdio: 'ignore',
    });
    console.log('biome.json: overrides rewritten from tooling/layers.ts');
  }
}
