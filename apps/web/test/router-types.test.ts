// The web player is bound to the router's types: renaming a field of song.byId's output must break
// apps/web's typecheck where the player reads it (lib/types.ts derives Track from the router's
// output), while the real router typechecks clean.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RENAME_SONG_TITLE,
  runTsc,
  typecheckAgainstMutatedApi,
} from '../../../tooling/typetest/break-router';

const web = join(import.meta.dirname, '..');

describe('apps/web typecheck follows the AppRouter type', () => {
  it('passes against the real router', () => {
    const r = runTsc(join(web, 'tsconfig.json'));
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  }, 120_000);

  it('fails where the player reads a procedure output field that was renamed', () => {
    const r = typecheckAgainstMutatedApi(web, ...RENAME_SONG_TITLE);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/lib\/types\.ts\(\d+,\d+\).*title/);
  }, 120_000);
});
