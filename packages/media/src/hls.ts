/// <reference path="./m3u8-parser.d.ts" />
// HLS playlists the pipeline writes: the master (ffmpeg 5.1's is wrong for our needs, so the project
// writes its own), and the checks every playlist must pass before a ladder is published. Rules are
// Apple's HLS authoring spec for VOD: one TARGETDURATION everywhere, no segment longer than it + 0.5 s.
import { type Manifest, Parser } from 'm3u8-parser';

export const TARGET_DURATION_SEC = 6; // Apple's recommended segment length
export const MAX_SEGMENT_SEC = TARGET_DURATION_SEC + 0.5;
/** AAC-LC in the CODECS attribute (RFC 6381). */
export const AAC_LC_CODECS = 'mp4a.40.2';
/** FLAC in ISOBMFF: the sample entry's four-character code, as HLS CODECS carries it (Apple's spelling). */
export const FLAC_CODECS = 'fLaC';

export function parsePlaylist(text: string): { manifest: Manifest; warnings: string[] } {
  const parser = new Parser();
  const warnings: string[] = [];
  parser.on('warn', (w) => warnings.push(w.message));
  parser.push(text);
  parser.end();
  return { manifest: parser.manifest, warnings };
}

/** Problems with a media playlist under the authoring rules; empty when it is fine. */
export function checkMediaPlaylist(text: string): string[] {
  const { manifest: m, warnings } = parsePlaylist(text);
  const problems = [...warnings.map((w) => `parser: ${w}`)];
  if (!text.startsWith('#EXTM3U')) problems.push('does not start with #EXTM3U');
  if (m.targetDuration !== TARGET_DURATION_SEC)
    problems.push(`EXT-X-TARGETDURATION is ${m.targetDuration}, not ${TARGET_DURATION_SEC}`);
  if (m.playlistType !== 'VOD') problems.push('EXT-X-PLAYLIST-TYPE is not VOD');
  if (!m.endList) problems.push('no EXT-X-ENDLIST');
  if (!/^#EXT-X-INDEPENDENT-SEGMENTS$/m.test(text)) problems.push('no EXT-X-INDEPENDENT-SEGMENTS');
  if (m.segments.length === 0) problems.push('no segments');
  for (const s of m.segments) {
    if (s.duration > MAX_SEGMENT_SEC)
      problems.push(`segment ${s.uri} lasts ${s.duration} s > ${MAX_SEGMENT_SEC}`);
    if (Math.round(s.duration) > (m.targetDuration ?? 0))
      problems.push(`segment ${s.uri} rounds above the target duration`);
    if (!s.map?.uri) problems.push(`segment ${s.uri} has no EXT-X-MAP (fMP4 init)`);
  }
  return problems;
}

export function checkMasterPlaylist(text: string): string[] {
  const { manifest: m, warnings } = parsePlaylist(text);
  const problems = [...warnings.map((w) => `parser: ${w}`)];
  if (!/^#EXT-X-INDEPENDENT-SEGMENTS$/m.test(text)) problems.push('no EXT-X-INDEPENDENT-SEGMENTS');
  if (!m.playlists?.length) problems.push('no variants');
  for (const p of m.playlists ?? []) {
    const a = p.attributes;
    if (!(Number(a.BANDWIDTH) > 0)) problems.push(`${p.uri}: no BANDWIDTH`);
    if (!(Number(a['AVERAGE-BANDWIDTH']) > 0)) problems.push(`${p.uri}: no AVERAGE-BANDWIDTH`);
    if (Number(a['AVERAGE-BANDWIDTH']) > Number(a.BANDWIDTH))
      problems.push(`${p.uri}: AVERAGE-BANDWIDTH above BANDWIDTH`);
    if (!a.CODECS) problems.push(`${p.uri}: no CODECS`);
  }
  return problems;
}

export type SegmentSize = { durationSec: number; bytes: number };

/**
 * Peak and average bit rates of a media playlist, as RFC 8216 §4.3.4.2 defines BANDWIDTH: the peak
 * over any contiguous run of segments lasting 0.5–1.5 × the target duration (a per-segment peak would
 * be wrong: the last segment is often a single 23 ms AAC frame). Init segment bytes are not counted.
 */
export function bitrates(
  segments: SegmentSize[],
  targetSec = TARGET_DURATION_SEC,
): { peak: number; average: number } {
  const totalBytes = segments.reduce((s, x) => s + x.bytes, 0);
  const totalSec = segments.reduce((s, x) => s + x.durationSec, 0);
  let peak = 0;
  for (let i = 0; i < segments.length; i++) {
    let bytes = 0;
    let sec = 0;
    for (let j = i; j < segments.length && sec < 1.5 * targetSec; j++) {
      bytes += segments[j]!.bytes;
      sec += segments[j]!.durationSec;
      if (sec >= 0.5 * targetSec && sec <= 1.5 * targetSec) peak = Math.max(peak, (bytes * 8) / sec);
    }
  }
  const average = totalSec > 0 ? (totalBytes * 8) / totalSec : 0;
  // A track shorter than half a target duration has no qualifying run: its average is its peak.
  return { peak: Math.ceil(peak || average), average: Math.ceil(average) };
}

/** Adds EXT-X-INDEPENDENT-SEGMENTS (every AAC frame and FLAC block is a sync sample) where ffmpeg 5.1 leaves it out. */
export function withIndependentSegments(text: string): string {
  if (/^#EXT-X-INDEPENDENT-SEGMENTS$/m.test(text)) return text;
  return text.replace(/^#EXTM3U\r?\n/, '#EXTM3U\n#EXT-X-INDEPENDENT-SEGMENTS\n');
}

/**
 * ffmpeg sets EXT-X-TARGETDURATION to the longest segment rounded, so a track shorter than one
 * segment gets a smaller target than the rest of the catalog. A target may exceed every segment:
 * raise it to the ladder's, so every media playlist carries the same one.
 */
export function withTargetDuration(text: string, targetSec = TARGET_DURATION_SEC): string {
  return text.replace(/^#EXT-X-TARGETDURATION:(\d+)$/m, (line, n: string) =>
    Number(n) < targetSec ? `#EXT-X-TARGETDURATION:${targetSec}` : line,
  );
}

export type MasterVariant = { uri: string; bandwidth: number; averageBandwidth: number; codecs: string };

export function writeMaster(variants: MasterVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of [...variants].sort((a, b) => a.bandwidth - b.bandwidth)) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},CODECS="${v.codecs}"`,
      v.uri,
    );
  }
  return `${lines.join('\n')}\n`;
}

export const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'audio/mp4',
  mp3: 'audio/mpeg',
  json: 'application/json',
};

export function contentTypeOf(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
