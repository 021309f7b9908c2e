// How the player names a quality level: by the rate it was encoded at, from its BANDWIDTH (peak).
/** Encoder rates people know; a level's BANDWIDTH is a measured peak a few percent above its rate. */
const NOMINAL_KBPS = [32, 48, 64, 96, 128, 160, 192, 224, 256, 320];

/** 66 000 bit/s (a 64k rendition's measured peak) → 64: the rate a person chose or would choose. */
export function nominalKbps(bitsPerSecond: number): number {
  const kbps = bitsPerSecond / 1000;
  const below = NOMINAL_KBPS.filter((n) => n <= kbps * 1.02);
  const nearest = below.at(-1);
  return nearest !== undefined && kbps / nearest <= 1.2 ? nearest : Math.round(kbps);
}
