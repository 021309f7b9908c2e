import { describe, expect, it } from 'vitest';
import { nominalKbps } from '../lib/player/bitrate';

describe('nominalKbps', () => {
  it('names a rendition by the rate it was encoded at, not its measured peak', () => {
    expect(nominalKbps(66_000)).toBe(64);
    expect(nominalKbps(67_400)).toBe(64);
    expect(nominalKbps(134_000)).toBe(128);
    expect(nominalKbps(202_000)).toBe(192);
    expect(nominalKbps(330_000)).toBe(320);
    expect(nominalKbps(352_000)).toBe(320);
  });
  it('falls back to the rounded rate when no common rate is close', () => {
    expect(nominalKbps(500_000)).toBe(500);
    expect(nominalKbps(20_000)).toBe(20);
  });
});
