// The mapping from what the pipeline records (a playback grant's media fields) to the engine's input,
// shared by the web player and the gapless tests.
import { describe, expect, it } from 'vitest';
import { hasGaplessData, trackInputFromMedia, withQuery } from '../src/index';

const media = {
  sampleRate: 44_100,
  sourceSamples: 321_937,
  loudnessLufs: -12.8,
  truePeakDb: -4.3,
  renditions: [
    {
      name: '64k',
      playlist: '64k/index.m3u8',
      bandwidth: 66_333,
      codecs: 'mp4a.40.2',
      primingSamples: 1024,
      paddingSamples: 623,
    },
    {
      name: '320k',
      playlist: '320k/index.m3u8',
      bandwidth: 239_489,
      codecs: 'mp4a.40.2',
      primingSamples: 1024,
      paddingSamples: 623,
    },
  ],
};

describe('trackInputFromMedia', () => {
  it('resolves each rendition playlist against the ladder prefix and keeps the recorded cut', () => {
    const t = trackInputFromMedia('s1', 'https://cdn.example/songs/s1/hls/v1/', media, {
      albumId: 'a1',
      album: { loudnessLufs: -14.8, truePeakDb: -4.3 },
      requestQuery: 'Expires=1&Signature=x',
    });
    expect(t.renditions.map((r) => r.playlistUrl)).toEqual([
      'https://cdn.example/songs/s1/hls/v1/64k/index.m3u8',
      'https://cdn.example/songs/s1/hls/v1/320k/index.m3u8',
    ]);
    expect(t.renditions[1]).toMatchObject({ primingSamples: 1024, paddingSamples: 623, bandwidth: 239_489 });
    expect(t).toMatchObject({ sourceSamples: 321_937, albumId: 'a1', requestQuery: 'Expires=1&Signature=x' });
    expect(t.album).toEqual({ loudnessLufs: -14.8, truePeakDb: -4.3 });
  });

  it('says when a record cannot be cut to the sample', () => {
    expect(hasGaplessData(media)).toBe(true);
    expect(hasGaplessData({ ...media, sourceSamples: 0 })).toBe(false);
    expect(hasGaplessData({ ...media, renditions: [] })).toBe(false);
  });

  it('adds a signature query once, to URLs with or without their own', () => {
    expect(withQuery('https://x/a.m4s', 'S=1')).toBe('https://x/a.m4s?S=1');
    expect(withQuery('https://x/a.m4s?v=2', 'S=1')).toBe('https://x/a.m4s?v=2&S=1');
    expect(withQuery('https://x/a.m4s?S=1', 'S=1')).toBe('https://x/a.m4s?S=1');
    expect(withQuery('https://x/a.m4s', undefined)).toBe('https://x/a.m4s');
  });
});
