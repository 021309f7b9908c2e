// Levels (renditions) of a track: which codecs this browser decodes, the MSE type of each, resolving
// a track's renditions from its master and media playlists, and the segment a level starts at.
import type { Entry, Level, TrackInput } from './engine-types';
import { parseMaster, parseMedia } from './hls';
import { fetchText, withQuery } from './network';

/** True for the FLAC (lossless) rendition's CODECS (`fLaC`, as HLS spells the sample entry). */
export function isLosslessCodec(codecs: string | undefined): boolean {
  return !!codecs && /^flac$/i.test(codecs.trim());
}

/**
 * The MSE type of a rendition. HLS spells FLAC's CODECS `fLaC` (the sample entry); MSE asks for
 * `flac` (Chromium accepts only that spelling; Firefox and Safari accept both).
 */
export function mseTypeOf(codecs: string): string {
  return `audio/mp4; codecs="${isLosslessCodec(codecs) ? 'flac' : codecs}"`;
}

/** Whether this browser's MSE can play a rendition (no MSE at all: assume AAC only). */
export function canPlayCodecs(codecs: string): boolean {
  const ms = (globalThis as { MediaSource?: { isTypeSupported(t: string): boolean } }).MediaSource;
  return ms ? ms.isTypeSupported(mseTypeOf(codecs)) : !isLosslessCodec(codecs);
}

export async function resolveLevels(track: TrackInput): Promise<Level[]> {
  const q = (u: string) => withQuery(u, track.requestQuery);
  const variants = track.masterUrl ? parseMaster(await fetchText(q(track.masterUrl)), track.masterUrl) : [];
  const levels = await Promise.all(
    track.renditions.map(async (r, i): Promise<Level> => {
      const v = variants[i];
      const bandwidth = r.bandwidth ?? v?.bandwidth;
      if (!bandwidth) throw new Error(`track ${track.id}: rendition ${i} has no bandwidth`);
      let initUrl = r.initUrl;
      let segments = r.segments;
      if (!initUrl || !segments) {
        const url = r.playlistUrl ?? v?.uri;
        if (!url) throw new Error(`track ${track.id}: rendition ${i} has no playlist`);
        const media = parseMedia(await fetchText(q(url)), url);
        initUrl = media.initUri;
        segments = media.segments.map((s) => ({ url: s.uri, durationSeconds: s.durationSeconds }));
      }
      return {
        bandwidth,
        codecs: r.codecs ?? v?.codecs ?? 'mp4a.40.2',
        initUrl: q(initUrl),
        segments: segments.map((s) => ({ ...s, url: q(s.url) })),
        primingSamples: r.primingSamples,
        paddingSamples: r.paddingSamples,
      };
    }),
  ).then((all) => {
    // A rendition this browser cannot decode (FLAC where MSE lacks it) is never offered.
    const playable = all.filter((l) => canPlayCodecs(l.codecs));
    return playable.length > 0 ? playable : all;
  });
  const count = levels[0]?.segments.length;
  if (!count || levels.some((l) => l.segments.length !== count))
    throw new Error(`track ${track.id}: renditions must have the same, non-zero segment count`);
  return levels.sort((a, b) => a.bandwidth - b.bandwidth);
}

/** Index of the segment holding `offset` seconds of the track (rendition time includes the priming). */
export function segmentAt(entry: Entry, level: Level): number {
  const t = entry.startOffset + level.primingSamples / entry.track.sampleRate;
  let acc = 0;
  for (let i = 0; i < level.segments.length; i++) {
    acc += level.segments[i]!.durationSeconds;
    if (t < acc) return i;
  }
  return level.segments.length - 1;
}
