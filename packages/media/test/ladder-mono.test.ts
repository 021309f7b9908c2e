// The top rung codes left/right (M/S stereo search off: on mono-like sources ffmpeg's search costs
// about 3.5× the rung's encode, for no audible gain at 320k). The options must reach the right
// stream of a multi-rung encoder process, and a mono-like source must still get its rung's bit rate.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTrack, LADDER, rungEncoderOptions, transcodeLadder } from '@tonearm/media';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tonearm-mono-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ladder encoder options', () => {
  it('turns M/S search off for the top rung only, per stream in a shared process', () => {
    expect(LADDER.filter((r) => r.midSide === 'off').map((r) => r.name)).toEqual(['320k']);
    expect(rungEncoderOptions({ name: '320k', kbps: 320, midSide: 'off' }, 3)).toEqual([
      '-b:a:3',
      '320k',
      '-aac_ms:a:3',
      '0',
    ]);
    expect(rungEncoderOptions({ name: '64k', kbps: 64 }, 0)).toEqual(['-b:a:0', '64k']);
    expect(rungEncoderOptions({ name: '320k', kbps: 320, midSide: 'off' })).toEqual([
      '-b:a',
      '320k',
      '-aac_ms:a',
      '0',
    ]);
  });

  it('encodes a mono-like source at every rung within 15% of its bit rate', async () => {
    const mp3 = await generateTrack(join(dir, 'mono.mp3'), { seconds: 20, mono: true });
    mkdirSync(join(dir, 'work'));
    mkdirSync(join(dir, 'out'));
    const result = await transcodeLadder(mp3, join(dir, 'out'), join(dir, 'work'));
    expect(result.renditions.map((r) => r.name)).toEqual(LADDER.map((r) => r.name));
    for (const r of result.renditions) {
      const kbps = r.averageBandwidth / 1000;
      expect(Math.abs(kbps - r.bitrateKbps) / r.bitrateKbps, `${r.name}: ${kbps} kbit/s`).toBeLessThan(0.15);
    }
  }, 120_000);
});
