// Docs that stay true: the README's environment table and docs/API.md's procedure list are what
// `pnpm docs` generates from the config schemas and the router.

import { ZEnv } from '@tonearm/config';
import { ENV_DOCS } from '@tonearm/config/env-docs';
import { describe, expect, it } from 'vitest';
import { docsStatus, envTable } from '../../scripts/docs';

describe('generated docs', () => {
  it.each(docsStatus().map((s) => [s.file, s] as const))('%s matches the code (run `pnpm docs`)', (_f, s) => {
    expect(s.current).toBe(s.expected);
  });

  it('documents every variable of the schema, and fails on one without a meaning', () => {
    const table = envTable();
    for (const name of Object.keys(ZEnv.shape)) expect(table).toContain(`| \`${name}\` |`);
    const saved = ENV_DOCS.SERVER_HOST;
    delete ENV_DOCS.SERVER_HOST;
    try {
      expect(() => envTable()).toThrow(/no entry for SERVER_HOST/);
    } finally {
      ENV_DOCS.SERVER_HOST = saved!;
    }
  });
});
