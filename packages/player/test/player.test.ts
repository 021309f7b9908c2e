import { describe, expect, it } from 'vitest';
import { chooseLevel, ThroughputEstimator } from '../src/abr';
import { initTimescale, restoreFrameDurations } from '../src/fmp4';
import {
  aacGaplessInfo,
  expectedAacFrames,
  FLAC_LEAD_IN_SAMPLES,
  flacGaplessInfo,
  mseCut,
  trackStarts,
} from '../src/gapless-math';
import { parseMaster, parseMedia } from '../src/hls';
import { normalisationGain } from '../src/loudness';

describe('gapless math', () => {
  it('derives padding from frame count and source length (values measured on ffmpeg 5.1 output)', () => {
    // album fixture: 321937 source samples → 316 AAC frames, decoded and aligned at 1024 priming.
    expect(aacGaplessInfo(316, 321_937)).toEqual({ primingSamples: 1024, paddingSamples: 623 });
    expect(aacGaplessInfo(298, 304_001)).toEqual({ primingSamples: 1024, paddingSamples: 127 });
    expect(expectedAacFrames(321_937)).toBe(316);
    expect(expectedAacFrames(304_001)).toBe(298);
  });

  it('rejects frame counts that cannot hold the source', () => {
    expect(() => aacGaplessInfo(300, 321_937)).toThrow(RangeError);
    expect(() => aacGaplessInfo(400, 321_937)).toThrow(RangeError);
    expect(() => aacGaplessInfo(316.5, 321_937)).toThrow(RangeError);
    // One frame more than the encoder emits: padding of a frame or more is not one encode.
    expect(() => aacGaplessInfo(317, 321_937)).toThrow(/padding 1647/);
    // The edit list's priming, when the container records one, replaces ffmpeg's default.
    expect(aacGaplessInfo(317, 321_937, 2048)).toEqual({ primingSamples: 2048, paddingSamples: 623 });
  });

  it('gives the FLAC rung its lead-in as priming and no padding, and rejects anything else', () => {
    const source = 321_937;
    const blocks = Math.ceil((FLAC_LEAD_IN_SAMPLES + source) / 1024);
    expect(flacGaplessInfo(blocks, FLAC_LEAD_IN_SAMPLES + source, source)).toEqual({
      primingSamples: 1024,
      paddingSamples: 0,
    });
    expect(() => flacGaplessInfo(blocks + 1, FLAC_LEAD_IN_SAMPLES + source, source)).toThrow(/FLAC blocks/);
    expect(() => flacGaplessInfo(blocks, FLAC_LEAD_IN_SAMPLES + source + 1024, source)).toThrow(
      /padding 1024/,
    );
    expect(() => flacGaplessInfo(0, 0, source)).toThrow(RangeError);
  });

  it('places each track so its first real sample lands on the running sum of the previous ones', () => {
    const starts = trackStarts([321_937, 304_001, 339_583]);
    expect(starts).toEqual([0, 321_937, 625_938]);
    const cut = mseCut(starts[1]! / 44100, 304_001, 44100, { primingSamples: 1024, paddingSamples: 127 });
    expect(cut.appendWindowStart * 44100).toBeCloseTo(321_937, 6);
    expect(cut.timestampOffset * 44100).toBeCloseTo(321_937 - 1024, 6);
    expect(cut.appendWindowEnd * 44100).toBeCloseTo(625_938, 6);
  });
});

describe('hls reader', () => {
  const master = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-STREAM-INF:BANDWIDTH=70400,CODECS="mp4a.40.2"
64k/index.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=352000,AVERAGE-BANDWIDTH=296000,CODECS="mp4a.40.2"
320k/index.m3u8
`;
  it('reads variants with resolved URIs', () => {
    const v = parseMaster(master, 'http://h/songs/1/master.m3u8');
    expect(v).toEqual([
      { uri: 'http://h/songs/1/64k/index.m3u8', bandwidth: 70400, codecs: 'mp4a.40.2' },
      {
        uri: 'http://h/songs/1/320k/index.m3u8',
        bandwidth: 352000,
        averageBandwidth: 296000,
        codecs: 'mp4a.40.2',
      },
    ]);
  });
  it('reads an fMP4 media playlist', () => {
    const m = parseMedia(
      `#EXTM3U
#EXT-X-TARGETDURATION:6
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init_0.mp4"
#EXTINF:6.013968,
seg_000.m4s
#EXTINF:1.309252,
seg_001.m4s
#EXT-X-ENDLIST
`,
      'http://h/a/64k/index.m3u8',
    );
    expect(m.initUri).toBe('http://h/a/64k/init_0.mp4');
    expect(m.segments.map((s) => [s.uri.split('/').at(-1), s.durationSeconds])).toEqual([
      ['seg_000.m4s', 6.013968],
      ['seg_001.m4s', 1.309252],
    ]);
    expect(m.targetDurationSeconds).toBe(6);
  });
  it('refuses a playlist without an init segment', () => {
    expect(() => parseMedia('#EXTM3U\n#EXTINF:6,\na.ts\n', 'http://h/')).toThrow(/EXT-X-MAP/);
  });
});

describe('abr', () => {
  const bw = [70_400, 140_800, 211_200, 352_000];
  it('picks the highest level within the safety factor, and the lowest when none fits', () => {
    expect(chooseLevel(bw, 128_000, 0.7)).toBe(0);
    expect(chooseLevel(bw, 400_000, 0.7)).toBe(2);
    expect(chooseLevel(bw, 10_000_000, 0.7)).toBe(3);
    expect(chooseLevel(bw, 10_000, 0.7)).toBe(0);
  });
  it('moves by media seconds: a fast 6 s segment outweighs the initial guess', () => {
    const e = new ThroughputEstimator();
    expect(e.estimateBps).toBe(128_000);
    e.sample(48_000, 0.01, 6);
    expect(e.estimateBps).toBeGreaterThan(10_000_000);
    e.force(200_000);
    expect(e.estimateBps).toBe(200_000);
  });
});

describe('normalisation gain', () => {
  const s = { mode: 'track' as const, targetLufs: -14, peakCeilingDb: -1 };
  it('brings a track to the target', () => {
    expect(normalisationGain(s, { loudnessLufs: -26, truePeakDb: -20 }).gainDb).toBeCloseTo(12);
    expect(normalisationGain(s, { loudnessLufs: -8, truePeakDb: -0.1 }).gainDb).toBeCloseTo(-6);
  });
  it('caps the gain by the true peak', () => {
    const g = normalisationGain(s, { loudnessLufs: -19.5, truePeakDb: -0.7 });
    expect(g).toEqual({ gainDb: expect.closeTo(-0.3, 6), isPeakLimited: true, basis: 'track' });
  });
  it('album mode gives every track of an album the same gain', () => {
    const album = { loudnessLufs: -10, truePeakDb: -2 };
    const a = normalisationGain({ ...s, mode: 'album' }, { loudnessLufs: -18, truePeakDb: -9 }, album);
    const b = normalisationGain({ ...s, mode: 'album' }, { loudnessLufs: -8, truePeakDb: -2 }, album);
    expect(a.gainDb).toBe(-4);
    expect(b.gainDb).toBe(-4);
    expect(
      normalisationGain({ ...s, mode: 'album' }, { loudnessLufs: -18, truePeakDb: -9 }, null).gainDb,
    ).toBe(4);
  });
  it('off is unity gain whatever the track', () => {
    expect(normalisationGain({ ...s, mode: 'off' }, { loudnessLufs: -30, truePeakDb: -20 }).gainDb).toBe(0);
  });
});

describe('fmp4', () => {
  const box = (type: string, ...body: Uint8Array[]) => {
    const len = 8 + body.reduce((a, b) => a + b.length, 0);
    const out = new Uint8Array(len);
    new DataView(out.buffer).setUint32(0, len);
    out.set(
      [...type].map((c) => c.charCodeAt(0)),
      4,
    );
    let o = 8;
    for (const b of body) {
      out.set(b, o);
      o += b.length;
    }
    return out;
  };
  const u32s = (...v: number[]) => {
    const b = new Uint8Array(v.length * 4);
    v.forEach((x, i) => {
      new DataView(b.buffer).setUint32(i * 4, x);
    });
    return b;
  };
  it('restores a shortened last frame in a trun with per-sample durations and sizes', () => {
    // flags 0x301: data offset, sample duration, sample size.
    const trun = box('trun', u32s(0x000301, 3, 100, 1024, 200, 1024, 190, 401, 7));
    const seg = box('moof', box('mfhd', u32s(0, 1)), box('traf', trun));
    expect(restoreFrameDurations(seg, 1024)).toBe(1);
    const v = new DataView(seg.buffer);
    const durations = [0, 1, 2].map((i) => v.getUint32(seg.length - 24 + i * 8));
    expect(durations).toEqual([1024, 1024, 1024]);
    expect(v.getUint32(seg.length - 4)).toBe(7);
    expect(restoreFrameDurations(seg, 1024)).toBe(0);
  });
  it('reads the mdhd timescale', () => {
    const mdhd = box('mdhd', u32s(0, 0, 0, 44100, 0, 0));
    const init = box('moov', box('trak', box('mdia', mdhd)));
    expect(initTimescale(init)).toBe(44100);
  });
});

describe('the lossless (FLAC) rendition', () => {
  it('is recognised by its HLS CODECS and asked of MSE as "flac"', async () => {
    const { isLosslessCodec, mseTypeOf } = await import('../src/engine');
    expect(isLosslessCodec('fLaC')).toBe(true);
    expect(isLosslessCodec('flac')).toBe(true);
    expect(isLosslessCodec('mp4a.40.2')).toBe(false);
    expect(isLosslessCodec(undefined)).toBe(false);
    expect(mseTypeOf('fLaC')).toBe('audio/mp4; codecs="flac"');
    expect(mseTypeOf('mp4a.40.2')).toBe('audio/mp4; codecs="mp4a.40.2"');
  });

  it('cuts its 1024-sample lead-in like AAC priming and has nothing to cut at the end', () => {
    // The FLAC rung decodes to lead-in + source exactly (padding 0): the append window ends at the
    // source's last sample either way, so an AAC and a FLAC rendition of one track land on one timeline.
    const flac = mseCut(10, 304_001, 44100, { primingSamples: 1024, paddingSamples: 0 });
    const aac = mseCut(10, 304_001, 44100, { primingSamples: 1024, paddingSamples: 127 });
    expect(flac).toEqual(aac);
    expect(flac.appendWindowEnd - flac.appendWindowStart).toBeCloseTo(304_001 / 44100, 9);
  });
});

describe('ABR with a lossless level on top', () => {
  it('picks Lossless only when 0.7 × the estimate covers its BANDWIDTH', async () => {
    const { chooseLevel } = await import('../src/abr');
    // The FLAC test album's measured peaks: 64k…320k AAC, then the lossless rung.
    const levels = [70_400, 139_000, 205_000, 339_000, 1_240_000];
    expect(chooseLevel(levels, 128_000, 0.7)).toBe(0);
    expect(chooseLevel(levels, 1_000_000, 0.7)).toBe(3);
    expect(chooseLevel(levels, 1_700_000, 0.7)).toBe(3);
    expect(chooseLevel(levels, 1_800_000, 0.7)).toBe(4);
  });
});
