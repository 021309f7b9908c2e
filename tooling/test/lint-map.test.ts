// The lint holds the package map: biome.json is generated from tooling/layers.ts, the package.json
// files fit the map, a forbidden import (root or subpath) and a process.env read outside config
// fail the lint, and the tree as committed passes it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphProblems } from '../../scripts/graph';
import { biomeJsonUpToDate } from '../../scripts/lint-layers';

const root = join(import.meta.dirname, '..', '..');
const biome = join(root, 'node_modules', '.bin', 'biome');
const RULES = new Set(['lint/style/noRestrictedImports', 'lint/style/noProcessEnv']);

interface Diagnostic {
  category: string;
  location: { path: string };
}

function lint(cwd: string): Diagnostic[] {
  const r = spawnSync(biome, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], {
    cwd,
    encoding: 'utf8',
  });
  const report = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
  return report.diagnostics.filter((d) => RULES.has(d.category));
}

describe('the package map in biome.json', () => {
  it('is exactly what tooling/layers.ts generates (pnpm lint:layers)', () => {
    expect(biomeJsonUpToDate()).toBe(true);
    const stale = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')) as { overrides: unknown[] };
    expect(biomeJsonUpToDate(JSON.stringify({ ...stale, overrides: stale.overrides.slice(1) }))).toBe(false);
  });

  it('agrees with every package.json (pnpm graph)', () => {
    expect(graphProblems()).toEqual([]);
    expect(execFileSync('pnpm', ['-s', 'graph'], { cwd: root, encoding: 'utf8' })).toMatch(/^core +→ .*db/m);
  });
});

describe('biome with the map', () => {
  let dir: string;
  // Probe files at the paths the overrides match, in a copy of the config outside the repository.
  const probes: Record<string, string> = {
    'packages/core/src/subpath.ts':
      "import { buildDeps } from '@tonearm/api/deps';\nexport const x = buildDeps;\n",
    'packages/core/src/root.ts': "import { appRouter } from '@tonearm/api';\nexport const x = appRouter;\n",
    'packages/core/src/testing.ts':
      "import { startServices } from '@tonearm/testing';\nexport const x = startServices;\n",
    'packages/core/test/testing.ts':
      "import { startServices } from '@tonearm/testing';\nexport const x = startServices;\n",
    'packages/core/src/allowed.ts': "import { Song } from '@tonearm/db/models';\nexport const x = Song;\n",
    'apps/server/src/api-testing.ts':
      "import { testCallers } from '@tonearm/api/testing';\nexport const x = testCallers;\n",
    'apps/server/test/api-testing.ts':
      "import { testCallers } from '@tonearm/api/testing';\nexport const x = testCallers;\n",
    'apps/server/src/api-root.ts': "import { appRouter } from '@tonearm/api';\nexport const x = appRouter;\n",
    'packages/db/src/player.ts':
      "import { GaplessEngine } from '@tonearm/player/engine';\nexport const x = GaplessEngine;\n",
    'packages/ratelimit/src/db.ts': "import { Song } from '@tonearm/db';\nexport const x = Song;\n",
    'apps/web/lib/core.ts': "import { getSong } from '@tonearm/core/catalog';\nexport const x = getSong;\n",
    'apps/web/lib/config-root.ts': "import { env } from '@tonearm/config';\nexport const x = env;\n",
    'apps/web/lib/config-web.ts': "import { webEnv } from '@tonearm/config/web';\nexport const x = webEnv;\n",
    'apps/web/lib/router-type.ts':
      "import type { AppRouter } from '@tonearm/api';\nexport type X = AppRouter;\n",
    'apps/web/lib/router-value.ts':
      "import { appRouter } from '@tonearm/api';\nexport const x = appRouter;\n",
    'apps/web/lib/realtime-store.ts':
      "import { presenceStore } from '@tonearm/realtime';\nexport const x = presenceStore;\n",
    'apps/web/lib/realtime-client.ts':
      "import { createRealtimeClient } from '@tonearm/realtime/client';\nexport const x = createRealtimeClient;\n",
    'packages/api/src/env.ts': 'export const level = process.env.LOG_LEVEL;\n',
    'apps/web/lib/env.ts': 'export const url = process.env.PUBLIC_SERVER_URL;\n',
    'packages/config/src/env.ts': 'export const level = process.env.LOG_LEVEL;\n',
    'packages/api/test/env.ts': 'export const level = process.env.LOG_LEVEL;\n',
    'scripts/env.ts': 'export const level = process.env.LOG_LEVEL;\n',
  };
  let found: Map<string, string[]>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tonearm-lint-'));
    const config = JSON.parse(readFileSync(join(root, 'biome.json'), 'utf8')) as Record<string, unknown>;
    delete config.$schema;
    writeFileSync(join(dir, 'biome.json'), JSON.stringify({ ...config, vcs: { enabled: false } }));
    for (const [path, text] of Object.entries(probes)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    found = new Map();
    for (const d of lint(dir))
      found.set(d.location.path, [...(found.get(d.location.path) ?? []), d.category]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const restricted = 'lint/style/noRestrictedImports';
  it.each([
    'packages/core/src/subpath.ts',
    'packages/core/src/root.ts',
    'packages/core/src/testing.ts',
    'apps/server/src/api-testing.ts',
    'packages/db/src/player.ts',
    'packages/ratelimit/src/db.ts',
    'apps/web/lib/core.ts',
    'apps/web/lib/config-root.ts',
    'apps/web/lib/router-value.ts',
    'apps/web/lib/realtime-store.ts',
  ])('fails the forbidden import in %s', (path) => {
    expect(found.get(path)).toEqual([restricted]);
  });

  it.each([
    'packages/core/test/testing.ts',
    'apps/server/test/api-testing.ts',
    'apps/server/src/api-root.ts',
    'packages/core/src/allowed.ts',
    'apps/web/lib/config-web.ts',
    'apps/web/lib/router-type.ts',
    'apps/web/lib/realtime-client.ts',
  ])('passes the allowed import in %s', (path) => {
    expect(found.get(path)).toBeUndefined();
  });

  it.each(['packages/api/src/env.ts', 'apps/web/lib/env.ts'])('fails process.env in %s', (path) => {
    expect(found.get(path)).toEqual(['lint/style/noProcessEnv']);
  });

  it.each(['packages/config/src/env.ts', 'packages/api/test/env.ts', 'scripts/env.ts'])(
    'allows process.env in %s',
    (path) => {
      expect(found.get(path)).toBeUndefined();
    },
  );

  it('passes on the tree as committed', () => {
    expect(lint(root).map((d) => `${d.location.path}: ${d.category}`)).toEqual([]);
  });
});
