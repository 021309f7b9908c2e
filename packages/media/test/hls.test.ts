// Playlist rules and bit-rate arithmetic on hand-made inputs: each check must catch its violation.
import { describe, expect, it } from 'vitest';
import {
  bitrates,
  checkMasterPlaylist,
  checkMediaPlaylist,
  withIndependentSegments,
  writeMaster,
} from '../src/hls';
import { groupRungs, LADDER } from '../src/ladder';

const media = (durations: number[], target = 6, extra = '#EXT-X-INDEPENDENT-SEGMENTS\\n') =>
  `#EXTM3U\n${extra.replace('\\n', '\n')}#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:${target}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MAP:URI="init.mp4"\n${durations
    .map((d, i) => `#EXTINF:${d},\nseg_${i}.m4s\n`)
    .join('')}#EXT-X-ENDLIST\n`;

describe('media playlist rules', () => {
  it('accepts a playlist that follows them', () => {
    expect(checkMediaPlaylist(media([6.013968, 5.990748, 0.02322]))).toEqual([]);
  });
  it('catches a long segment, a wrong target, a missing tag', () => {
    expect(checkMediaPlaylist(media([6.6, 5.4])).join()).toMatch(/lasts 6.6 s/);
    expect(checkMediaPlaylist(media([4, 4], 4)).join()).toMatch(/TARGETDURATION is 4/);
    expect(checkMediaPlaylist(media([6, 6], 6, '')).join()).toMatch(/INDEPENDENT-SEGMENTS/);
    expect(checkMediaPlaylist(media([6, 6]).replace('#EXT-X-ENDLIST\n', '')).join()).toMatch(/ENDLIST/);
    expect(checkMediaPlaylist(media([6]).replace('VOD', 'EVENT')).join()).toMatch(/VOD/);
  });
  it('adds EXT-X-INDEPENDENT-SEGMENTS once', () => {
    const fixed = withIndependentSegments(media([6], 6, ''));
    expect(checkMediaPlaylist(fixed)).toEqual([]);
    expect(withIndependentSegments(fixed)).toBe(fixed);
  });
});

describe('master playlist', () => {
  it('is written with BANDWIDTH, AVERAGE-BANDWIDTH and CODECS, lowest first', () => {
    const m = writeMaster([
      { uri: 'b/index.m3u8', bandwidth: 200_000, averageBandwidth: 190_000, codecs: 'mp4a.40.2' },
      { uri: 'a/index.m3u8', bandwidth: 70_000, averageBandwidth: 66_000, codecs: 'mp4a.40.2' },
    ]);
    expect(checkMasterPlaylist(m)).toEqual([]);
    expect(m.indexOf('a/index.m3u8')).toBeLessThan(m.indexOf('b/index.m3u8'));
    expect(checkMasterPlaylist(m.replace(/,AVERAGE-BANDWIDTH=\d+/g, '')).join()).toMatch(/AVERAGE-BANDWIDTH/);
  });
});

describe('bit rates (RFC 8216 peak over 0.5–1.5 × target runs)', () => {
  it('ignores a one-frame last segment that a per-segment peak would inflate', () => {
    const segs = [
      { durationSec: 6, bytes: 48_000 },
      { durationSec: 6, bytes: 48_000 },
      { durationSec: 0.02322, bytes: 1_000 },
    ];
    const r = bitrates(segs);
    expect(r.peak).toBeLessThan(70_000);
    expect(r.average).toBe(Math.ceil((97_000 * 8) / 12.02322));
  });
  it('finds a burst as the peak', () => {
    const r = bitrates([
      { durationSec: 6, bytes: 48_000 },
      { durationSec: 6, bytes: 96_000 },
      { durationSec: 6, bytes: 48_000 },
    ]);
    expect(r.peak).toBe(128_000);
  });
});

describe('encoder groups', () => {
  it('spreads the ladder over two processes with about equal cost', () => {
    const g = groupRungs(LADDER, 2);
    expect(g).toHaveLength(2);
    expect(g.map((x) => x.map((r) => r.name).sort())).toEqual([
      ['320k', '64k'],
      ['128k', '192k'],
    ]);
  });
});
