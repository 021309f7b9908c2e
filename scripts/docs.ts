// `pnpm docs`: rewrites the generated parts of the docs from the code: the README's environment
// table from the config schemas (packages/config) and docs/API.md's procedure list from the router.
// `--check` rewrites nothing and exits 1 when a file differs (tooling/test/docs.test.ts does the same).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRouter } from '@tonearm/api';
import { ZEnv } from '@tonearm/config';
import { ENV_DOCS, SCRIPT_ENV_DOCS } from '@tonearm/config/env-docs';
import { ZWebEnv } from '@tonearm/config/web';
import { graphText } from './graph';

const root = join(import.meta.dirname, '..');

/** The part of a Zod schema this script uses. */
interface Schema {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}

const begin = (name: string) => `<!-- generated:${name} begin (pnpm docs; edit the source, not this) -->`;
const end = (name: string) => `<!-- generated:${name} end -->`;

function splice(text: string, name: string, body: string): string {
  const a = text.indexOf(begin(name));
  const b = text.indexOf(end(name));
  if (a < 0 || b < a) throw new Error(`markers for "${name}" not found`);
  return `${text.slice(0, a + begin(name).length)}\n${body}\n${text.slice(b)}`;
}

const cell = (s: string) => s.replaceAll('|', '\\|');

function schemaDefault(schema: Schema): string {
  const r = schema.safeParse(undefined);
  if (!r.success || r.data === undefined || (Array.isArray(r.data) && !r.data.length)) return '—';
  if (r.data === '') return '`""`';
  return `\`${String(r.data)}\``;
}

/** The README's environment table: every ZEnv and ZWebEnv variable, then the scripts' own. */
export function envTable(): string {
  const shapes: Record<string, Schema> = { ...ZEnv.shape, ...ZWebEnv.shape };
  const rows = ['| variable | default | meaning |', '|---|---|---|'];
  const missing: string[] = [];
  for (const [name, schema] of Object.entries(shapes)) {
    const doc = ENV_DOCS[name];
    if (!doc) {
      missing.push(name);
      continue;
    }
    rows.push(`| \`${name}\` | ${cell(doc.default ?? schemaDefault(schema))} | ${cell(doc.meaning)} |`);
  }
  if (missing.length)
    throw new Error(`packages/config/src/env-docs.ts has no entry for ${missing.join(', ')}`);
  const stale = Object.keys(ENV_DOCS).filter((n) => !(n in shapes));
  if (stale.length) throw new Error(`env-docs.ts documents variables no schema has: ${stale.join(', ')}`);
  for (const [name, doc] of Object.entries(SCRIPT_ENV_DOCS))
    rows.push(`| \`${name}\` | ${cell(doc.default)} | ${cell(doc.meaning)} |`);
  return rows.join('\n');
}

interface ProcedureDef {
  _def: { type: string; meta?: { access?: string }; inputs: Schema[] };
}

interface Inspectable {
  shape?: Record<string, Schema>;
  _zod?: { def?: { innerType?: Inspectable; in?: Inspectable } };
}

/** The fields of an object schema, through .optional(), .default() and pipes. */
function objectShape(schema: Schema): Record<string, Schema> | undefined {
  let cur: Inspectable | undefined = schema as Inspectable;
  for (let depth = 0; cur && depth < 8; depth++) {
    if (cur.shape) return cur.shape;
    cur = cur._zod?.def?.innerType ?? cur._zod?.def?.in;
  }
  return undefined;
}

function inputFields(inputs: Schema[]): string {
  const fields: string[] = [];
  for (const input of inputs) {
    const shape = objectShape(input);
    if (!shape) {
      fields.push('(value)');
      continue;
    }
    for (const [k, v] of Object.entries(shape)) fields.push(v.safeParse(undefined).success ? `${k}?` : k);
  }
  return fields.length ? fields.map((f) => `\`${f}\``).join(', ') : '—';
}

/** docs/API.md's list: every procedure of appRouter, by router, with its kind, access and input. */
export function apiTable(): string {
  // tRPC types _def.procedures as the router record; at run time it is the flat path → procedure map.
  const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
  const byRouter = new Map<string, string[]>();
  for (const [path, p] of Object.entries(procedures)) {
    const [router = path, ...rest] = path.split('.');
    const access = p._def.meta?.access ?? 'public';
    const row = `| \`${rest.join('.') || router}\` | ${p._def.type} | ${access} | ${inputFields(p._def.inputs)} |`;
    byRouter.set(router, [...(byRouter.get(router) ?? []), row]);
  }
  const out = [
    `${Object.keys(procedures).length} procedures in ${byRouter.size} routers (\`packages/api/src/root.ts\`); \`?\` marks an optional input field.`,
  ];
  for (const [router, rows] of byRouter) {
    out.push('', `### \`${router}\``, '', '| procedure | kind | who | input |', '|---|---|---|---|', ...rows);
  }
  return out.join('\n');
}

export const GENERATED: Array<{ file: string; name: string; body: () => string }> = [
  { file: 'README.md', name: 'env', body: envTable },
  { file: 'docs/API.md', name: 'api', body: apiTable },
  { file: 'docs/ARCHITECTURE.md', name: 'graph', body: () => `\`\`\`\n${graphText()}\n\`\`\`` },
];

/** Each generated file as it is and as the code says it should be. */
export function docsStatus(): Array<{ file: string; current: string; expected: string }> {
  const byFile = new Map<string, string>();
  for (const g of GENERATED) {
    const path = join(root, g.file);
    const text = byFile.get(g.file) ?? readFileSync(path, 'utf8');
    byFile.set(g.file, splice(text, g.name, g.body()));
  }
  return [...byFile].map(([file, expected]) => ({
    file,
    current: readFileSync(join(root, file), 'utf8'),
    expected,
  }));
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { file, current, expected } of docsStatus()) {
    if (current === expected) continue;
    stale++;
    if (check) console.error(`${file} is out of date: run \`pnpm docs\``);
    else {
      writeFileSync(join(root, file), expected);
      console.log(`${file}: rewritten`);
    }
  }
  process.exit(check && stale ? 1 : 0);
}
