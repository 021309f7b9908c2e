// A pure tone correlates equally well at every period, so a priming check by cross-correlation must
// not reject it (a 330 Hz upload once failed with "decoded priming 3964 samples, expected 1024").
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FFMPEG_AAC_PRIMING, transcodeLadder } from '@tonearm/media';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tonearm-tone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ladder on a pure tone', () => {
  it('verifies the priming of every rung of a 330 Hz sine', async () => {
    const mp3 = join(dir, 'tone.mp3');
    execFileSync('ffmpeg', [
      ...['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=8'],
      ...['-ac', '2', '-ar', '44100', '-b:a', '128k', '-y', mp3],
    ]);
    mkdirSync(join(dir, 'work'));
    mkdirSync(join(dir, 'out'));
    const result = await transcodeLadder(mp3, join(dir, 'out'), join(dir, 'work'), { verifyPriming: true });
    expect(result.renditions).toHaveLength(4);
    for (const r of result.renditions) expect(r.primingSamples).toBe(FFMPEG_AAC_PRIMING);
  }, 120_000);
});
