// Just enough ISO BMFF (MP4) parsing to read what gapless playback needs from an fMP4 rendition: the
// edit list (elst) of the init segment, the timescale, and the sample durations of every fragment.

type Box = { type: string; start: number; end: number; body: number };

function* boxes(buf: Buffer, start = 0, end = buf.length): Generator<Box> {
  let off = start;
  while (off + 8 <= end) {
    let size = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    let hdr = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(off + 8));
      hdr = 16;
    } else if (size === 0) size = end - off;
    if (size < hdr || off + size > end) return;
    yield { type, start: off, end: off + size, body: off + hdr };
    off += size;
  }
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'moof', 'traf', 'mvex']);

/** Depth-first search for boxes by path, e.g. find(buf, ['moov','trak','edts','elst']). */
function find(buf: Buffer, path: string[], start = 0, end = buf.length): Box[] {
  const [head, ...rest] = path;
  const out: Box[] = [];
  for (const b of boxes(buf, start, end)) {
    if (b.type !== head) continue;
    if (rest.length === 0) out.push(b);
    else if (CONTAINERS.has(b.type)) out.push(...find(buf, rest, b.body, b.end));
  }
  return out;
}

export type InitInfo = {
  timescale: number;
  /** Edit list entries: media_time -1 is an empty edit; a positive first media_time skips priming. */
  editList: { segmentDuration: number; mediaTime: number }[];
  defaultSampleDuration: number | null;
};

export function parseInit(buf: Buffer): InitInfo {
  const mdhd = find(buf, ['moov', 'trak', 'mdia', 'mdhd'])[0];
  if (!mdhd) throw new Error('init segment has no mdhd');
  const v = buf.readUInt8(mdhd.body);
  const timescale = buf.readUInt32BE(mdhd.body + (v === 1 ? 20 : 12));
  const editList: InitInfo['editList'] = [];
  const elst = find(buf, ['moov', 'trak', 'edts', 'elst'])[0];
  if (elst) {
    const ev = buf.readUInt8(elst.body);
    const n = buf.readUInt32BE(elst.body + 4);
    let p = elst.body + 8;
    for (let i = 0; i < n; i++) {
      if (ev === 1) {
        editList.push({
          segmentDuration: Number(buf.readBigUInt64BE(p)),
          mediaTime: Number(buf.readBigInt64BE(p + 8)),
        });
        p += 20;
      } else {
        editList.push({ segmentDuration: buf.readUInt32BE(p), mediaTime: buf.readInt32BE(p + 4) });
        p += 12;
      }
    }
  }
  const trex = find(buf, ['moov', 'mvex', 'trex'])[0];
  const defaultSampleDuration = trex ? buf.readUInt32BE(trex.body + 12) : null;
  return { timescale, editList, defaultSampleDuration };
}

/** Sum of sample durations (in the track timescale) and sample count in one media segment. */
export function fragmentDuration(
  buf: Buffer,
  trexDefault: number | null,
): { duration: number; samples: number } {
  let duration = 0;
  let samples = 0;
  for (const traf of find(buf, ['moof', 'traf'])) {
    let def = trexDefault ?? 0;
    const tfhd = find(buf, ['tfhd'], traf.body, traf.end)[0];
    if (tfhd) {
      const flags = buf.readUInt32BE(tfhd.body) & 0xffffff;
      let p = tfhd.body + 8; // version/flags + track_ID
      if (flags & 0x01) p += 8; // base_data_offset
      if (flags & 0x02) p += 4; // sample_description_index
      if (flags & 0x08) def = buf.readUInt32BE(p);
    }
    for (const trun of find(buf, ['trun'], traf.body, traf.end)) {
      const flags = buf.readUInt32BE(trun.body) & 0xffffff;
      const count = buf.readUInt32BE(trun.body + 4);
      let p = trun.body + 8;
      if (flags & 0x01) p += 4; // data_offset
      if (flags & 0x04) p += 4; // first_sample_flags
      const perSample =
        (flags & 0x100 ? 4 : 0) + (flags & 0x200 ? 4 : 0) + (flags & 0x400 ? 4 : 0) + (flags & 0x800 ? 4 : 0);
      for (let i = 0; i < count; i++) {
        duration += flags & 0x100 ? buf.readUInt32BE(p) : def;
        p += perSample;
      }
      samples += count;
    }
  }
  return { duration, samples };
}
