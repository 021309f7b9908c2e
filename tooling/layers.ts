// The package map: which workspace package may import which. One table, three readers:
// - `pnpm lint:layers` writes it into biome.json as noRestrictedImports patterns (root and every
//   subpath of each forbidden package), one override per package (Biome keeps only the last
//   matching override's options, so each file matches exactly one);
// - `pnpm graph` prints the dependency graph the package.json files declare and checks it fits;
// - tooling/test/lint-map.test.ts fails when biome.json or a package.json drifts from it.
// It also lists where process.env may be read (noProcessEnv everywhere else).

export type PackageName =
  | 'api'
  | 'cache'
  | 'config'
  | 'core'
  | 'db'
  | 'media'
  | 'observability'
  | 'player'
  | 'queue'
  | 'ratelimit'
  | 'realtime'
  | 'testing'
  | 'validators'
  | 'workers'
  | 'server'
  | 'web';

export interface Layer {
  /** Folder of the package, relative to the repository root. */
  dir: string;
  /** Workspace packages its product code may import (any subpath, unless `only` narrows it). */
  may: PackageName[];
  /** Packages this one may import only through the listed specifiers / import names. */
  only?: Partial<Record<PackageName, { subpaths?: string[]; names?: string[]; why: string }>>;
  /** Extra packages its tests (test/ folders) may import besides `may` and @tonearm/testing. */
  testsMay?: PackageName[];
  /** Subpaths of this package that are test support: other packages' tests may import them, product code not. */
  testOnly?: { subpaths: string[]; why: string };
  /** Why the package sits where it does (docs/ARCHITECTURE.md quotes these). */
  why: string;
}

const INFRA: PackageName[] = ['config', 'observability'];

export const LAYERS: Record<PackageName, Layer> = {
  validators: {
    dir: 'packages/validators',
    may: [],
    why: 'Zod schemas and AppError, shared by server and browser: depends on zod only, so the web bundle can take it.',
  },
  config: {
    dir: 'packages/config',
    may: [],
    why: 'The typed environment; the only product module that reads process.env.',
  },
  observability: {
    dir: 'packages/observability',
    may: ['config'],
    why: 'Logger and metrics registry: every process uses them, so they import nothing but config.',
  },
  player: {
    dir: 'packages/player',
    may: [],
    why: 'The browser gapless engine: no Node, no server package, unit-testable without a browser.',
  },
  realtime: {
    dir: 'packages/realtime',
    may: ['config', 'cache', 'validators'],
    why: 'Socket event maps, rooms and presence store; its client and events subpaths run in the browser.',
  },
  db: {
    dir: 'packages/db',
    may: [...INFRA, 'validators'],
    why: 'Mongoose models: the only place that knows collection names; no domain rules.',
  },
  cache: {
    dir: 'packages/cache',
    may: INFRA,
    why: 'Cache-aside over Redis; knows keys and TTLs, not what they hold.',
  },
  queue: {
    dir: 'packages/queue',
    may: [...INFRA, 'cache'],
    why: 'Queue names, payload schemas and producers; consumers live in workers.',
  },
  media: {
    dir: 'packages/media',
    may: [...INFRA, 'player', 'validators'],
    only: {
      player: {
        subpaths: ['gapless-math'],
        why: 'The pipeline shares the gapless sample arithmetic with the player (pure, no browser code); nothing else of the player.',
      },
    },
    why: 'ffmpeg ladder, S3 storage, URL signing: media mechanics without catalog knowledge.',
  },
  ratelimit: {
    dir: 'packages/ratelimit',
    // cache/connect only: the one Redis (or Redis Cluster) client factory, no file loading.
    may: ['cache'],
    testsMay: ['config'],
    why: 'Redis rate limits shared by the API server and the web proxy.',
  },
  testing: {
    dir: 'packages/testing',
    may: [...INFRA, 'cache', 'db', 'validators'],
    why: 'Test support (services, fixtures; signed-in callers are @tonearm/api/testing): imported by tests only.',
  },
  core: {
    dir: 'packages/core',
    may: [...INFRA, 'cache', 'db', 'media', 'queue', 'realtime', 'validators'],
    testsMay: ['api'],
    why: 'The product rules as plain functions over injected dependencies; never sees HTTP or tRPC.',
  },
  workers: {
    dir: 'packages/workers',
    may: [...INFRA, 'cache', 'core', 'db', 'media', 'queue', 'realtime', 'validators'],
    why: 'BullMQ consumers: run core and media work off the request path; never import the API.',
  },
  api: {
    dir: 'packages/api',
    may: [...INFRA, 'cache', 'core', 'db', 'media', 'queue', 'ratelimit', 'realtime', 'validators'],
    testOnly: {
      subpaths: ['testing'],
      why: '@tonearm/api/testing (signed-in users and callers, packages/api/test/support) is for tests only; it sits with the router because @tonearm/testing cannot depend on api or core without a cycle.',
    },
    why: 'The tRPC router: validate, authorise, call core. Only apps import it.',
  },
  server: {
    dir: 'apps/server',
    may: [...INFRA, 'api', 'cache', 'core', 'db', 'media', 'queue', 'ratelimit', 'realtime', 'validators'],
    testsMay: ['workers'],
    why: 'The composition root of the API process: builds dependencies once and hosts tRPC, sockets, Subsonic.',
  },
  web: {
    dir: 'apps/web',
    may: ['api', 'config', 'player', 'ratelimit', 'realtime', 'validators'],
    only: {
      api: {
        names: ['AppRouter', 'RouterInputs', 'RouterOutputs'],
        why: 'One API host: the web app takes the router types only and calls the standalone server over HTTP.',
      },
      config: {
        subpaths: ['web'],
        why: 'The web reads its few variables through @tonearm/config/web (the root loads .data files, which Next would trace into the bundle).',
      },
      realtime: {
        subpaths: ['client', 'events'],
        why: 'The browser takes the socket client and event types, not the Redis presence store.',
      },
    },
    testsMay: ['config'],
    why: 'The reference player: a Next.js client of the API over HTTP and socket.io.',
  },
};

/** Where process.env may be read besides packages/config (Biome `includes` globs). */
export const ENV_READERS = [
  'packages/config/**',
  'packages/testing/**',
  '**/test/**',
  'scripts/**',
  'bench/**',
  'e2e/**',
  'tooling/**',
  '*.config.ts',
  '**/*.config.ts',
];

const ALL = Object.keys(LAYERS) as PackageName[];
const spec = (p: PackageName) => `@tonearm/${p}`;

interface Pattern {
  group: string[];
  message: string;
  importNamePattern?: string;
  invertImportNamePattern?: boolean;
}

function patternsFor(name: PackageName, tests: boolean): Pattern[] {
  const layer = LAYERS[name];
  const allowed = new Set<PackageName>([name, ...layer.may]);
  if (tests) for (const p of ['testing', ...(layer.testsMay ?? [])] as PackageName[]) allowed.add(p);
  const out: Pattern[] = [];
  const forbidden = ALL.filter((p) => !allowed.has(p));
  if (forbidden.length)
    out.push({
      group: forbidden.flatMap((p) => [spec(p), `${spec(p)}/**`]),
      message: `Layering (tooling/layers.ts): ${spec(name)} may import ${[...layer.may].map(spec).join(', ') || 'no workspace package'}. ${layer.why}`,
    });
  if (!tests)
    for (const p of allowed) {
      const rule = LAYERS[p].testOnly;
      if (rule && p !== name)
        out.push({ group: rule.subpaths.map((s) => `${spec(p)}/${s}`), message: rule.why });
    }
  for (const [p, rule] of Object.entries(layer.only ?? {}) as [
    PackageName,
    NonNullable<Layer['only']>[PackageName],
  ][]) {
    if (!rule || (tests && layer.testsMay?.includes(p))) continue;
    if (rule.subpaths) {
      out.push({
        group: [spec(p), `${spec(p)}/**`, ...rule.subpaths.map((s) => `!${spec(p)}/${s}`)],
        message: rule.why,
      });
    } else if (rule.names) {
      out.push({ group: [`${spec(p)}/**`], message: rule.why });
      out.push({
        group: [spec(p)],
        importNamePattern: `(${rule.names.join('|')})`,
        invertImportNamePattern: true,
        message: rule.why,
      });
    }
  }
  return out;
}

const restrict = (patterns: Pattern[]) => ({
  linter: {
    rules: { style: { noRestrictedImports: { level: 'error', options: { patterns } } } },
  },
});

/** The `overrides` section of biome.json: one import rule per package (product, then tests), then process.env. */
export function biomeOverrides(): unknown[] {
  const out: unknown[] = [];
  for (const name of ALL) {
    const { dir } = LAYERS[name];
    out.push({ includes: [`${dir}/**`], ...restrict(patternsFor(name, false)) });
    out.push({ includes: [`${dir}/test/**`], ...restrict(patternsFor(name, true)) });
  }
  out.push({ includes: ['**'], linter: { rules: { style: { noProcessEnv: 'error' } } } });
  out.push({ includes: ENV_READERS, linter: { rules: { style: { noProcessEnv: 'off' } } } });
  return out;
}
