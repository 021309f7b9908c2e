// Type-level proof that a consumer is bound to the router's types: copy packages/api/src into an
// ignored folder inside the api package (so its imports still resolve), rename a field of a
// procedure's output there, point the consumer's @tonearm/api at the copy, and run tsc. The
// consumer must fail where it reads the renamed field, and pass against the real router.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type TscResult = { ok: boolean; output: string };

export function runTsc(projectFile: string): TscResult {
  const root = join(import.meta.dirname, '..', '..');
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  try {
    const output = execFileSync(tsc, ['--noEmit', '-p', projectFile], { encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/**
 * The mutation both type-break tests apply: every song procedure's output renames `title` to `name`
 * (the schema is validators' ZSongDto, so the copy of router/song.ts shadows it with a renamed one).
 */
export const RENAME_SONG_TITLE = [
  'router/song.ts',
  "  ZSongDto,\n  ZUpdateSongInput,\n  zPage,\n} from '@tonearm/validators';",
  "  ZSongDto as ZSongDtoReal,\n  ZUpdateSongInput,\n  zPage,\n} from '@tonearm/validators';\n" +
    'const ZSongDto = ZSongDtoReal.omit({ title: true }).extend({ name: z.string() });',
] as const;

/**
 * Typechecks `consumerDir` against a copy of the API whose `file` has `from` replaced by `to`.
 * Returns tsc's result; cleans up after itself.
 */
export function typecheckAgainstMutatedApi(
  consumerDir: string,
  file: string,
  from: string,
  to: string,
): TscResult {
  const root = join(import.meta.dirname, '..', '..');
  const apiDir = join(root, 'packages', 'api');
  const tag = `.typetest-${process.pid}-${Date.now()}`;
  const copy = join(apiDir, tag);
  const tsconfig = join(consumerDir, `tsconfig${tag}.json`);
  try {
    mkdirSync(copy, { recursive: true });
    cpSync(join(apiDir, 'src'), join(copy, 'src'), { recursive: true });
    const target = join(copy, 'src', file);
    const text = readFileSync(target, 'utf8');
    if (!text.includes(from)) throw new Error(`mutation anchor not found in ${file}: ${from}`);
    writeFileSync(target, text.replace(from, to));
    const base = JSON.parse(readFileSync(join(consumerDir, 'tsconfig.json'), 'utf8')) as {
      include?: string[];
      exclude?: string[];
    };
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: {
          incremental: false,
          paths: { '@tonearm/api': [`./${relative(consumerDir, join(copy, 'src', 'index.ts'))}`] },
        },
        include: base.include,
        exclude: base.exclude,
      }),
    );
    return runTsc(tsconfig);
  } finally {
    rmSync(copy, { recursive: true, force: true });
    rmSync(tsconfig, { force: true });
  }
}
