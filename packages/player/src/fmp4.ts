// Just enough ISO-BMFF walking for gapless MSE: the track timescale from an init segment, and the
// restoration of the last frame's duration in a fragment's trun. FFmpeg's muxer shortens the final AAC
// frame's duration by the encoder padding; Chromium then sees that frame as ending inside the append
// window and plays all 1024 decoded samples (padding included). With its full duration restored the
// frame straddles appendWindowEnd and Chromium trims it to the sample.

const u32 = (b: Uint8Array, o: number) =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const type = (b: Uint8Array, o: number) => String.fromCharCode(b[o + 4]!, b[o + 5]!, b[o + 6]!, b[o + 7]!);

function* children(
  b: Uint8Array,
  start: number,
  end: number,
): Generator<{ type: string; start: number; end: number }> {
  let o = start;
  while (o + 8 <= end) {
    let size = u32(b, o);
    let header = 8;
    if (size === 1) {
      size = u32(b, o + 8) * 2 ** 32 + u32(b, o + 12);
      header = 16;
    } else if (size === 0) size = end - o;
    if (size < header || o + size > end) return;
    yield { type: type(b, o), start: o + header, end: o + size };
    o += size;
  }
}

function find(b: Uint8Array, path: string[], start = 0, end = b.length): { start: number; end: number }[] {
  const [head, ...rest] = path;
  const out: { start: number; end: number }[] = [];
  for (const c of children(b, start, end)) {
    if (c.type !== head) continue;
    if (rest.length === 0) out.push(c);
    else out.push(...find(b, rest, c.start, c.end));
  }
  return out;
}

/** mdhd timescale of the first track of an init segment (ticks per second). */
export function initTimescale(init: Uint8Array): number {
  const mdhd = find(init, ['moov', 'trak', 'mdia', 'mdhd'])[0];
  if (!mdhd) throw new Error('init segment has no mdhd');
  const version = init[mdhd.start]!;
  return u32(init, mdhd.start + (version === 1 ? 20 : 12));
}

/**
 * Sets every explicit trun sample duration shorter than `frameTicks` to `frameTicks`, in place.
 * Returns how many samples were changed (0 for every fragment but a track's last).
 */
export function restoreFrameDurations(segment: Uint8Array, frameTicks: number): number {
  let changed = 0;
  for (const trun of find(segment, ['moof', 'traf', 'trun'])) {
    const flags = u32(segment, trun.start) & 0xffffff;
    if (!(flags & 0x100)) continue;
    const count = u32(segment, trun.start + 4);
    let p = trun.start + 8 + (flags & 0x1 ? 4 : 0) + (flags & 0x4 ? 4 : 0);
    const stride = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
    for (let i = 0; i < count && p + 4 <= trun.end; i++, p += stride) {
      if (u32(segment, p) < frameTicks) {
        new DataView(segment.buffer, segment.byteOffset).setUint32(p, frameTicks);
        changed++;
      }
    }
  }
  return changed;
}
