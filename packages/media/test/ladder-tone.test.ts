// A pure tone correlates equally well at every period, so a priming check by cross-correlation must
// not reject it (a 330 Hz upload once failed with "decoded priming 3964 samples, expected 1024").
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

  it('transcodes a track shorter than one segment (the target duration stays 6 s)', async () => {
    const mp3 = join(dir, 'short.mp3');
    execFileSync('ffmpeg', [
      ...['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3'],
      ...['-ac', '2', '-ar', '44100', '-b:a', '128k', '-y', mp3],
    ]);
    mkdirSync(join(dir, 'work-short'));
    mkdirSync(join(dir, 'out-short'));
    const result = await transcodeLadder(mp3, join(dir, 'out-short'), join(dir, 'work-short'));
    expect(result.renditions).toHaveLength(4);
    for (const r of result.renditions) {
      const text = readFileSync(join(dir, 'out-short', r.playlist), 'utf8');
      expect(text).toMatch(/^#EXT-X-TARGETDURATION:6$/m);
      expect(r.segments).toHaveLength(1);
    }
  }, 120_000);
});
