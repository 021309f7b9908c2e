// Minimal HLS reader for the pipeline's fMP4 audio ladder: master variants and VOD media playlists
// (EXT-X-MAP init segment + EXTINF segments). Not a general HLS parser: no TS, no byte ranges, no keys.

export type Variant = { uri: string; bandwidth: number; averageBandwidth?: number; codecs?: string };
export type MediaSegment = { uri: string; durationSeconds: number };
export type MediaPlaylist = { initUri: string; segments: MediaSegment[]; targetDurationSeconds: number };

function attrs(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    const key = m[1];
    const value = m[2];
    if (key && value !== undefined) out[key] = value.startsWith('"') ? value.slice(1, -1) : value;
  }
  return out;
}

export function resolveUri(uri: string, base: string): string {
  return new URL(uri, base).toString();
}

/** Variants of a master playlist, URIs resolved against `baseUrl`, in playlist order. */
export function parseMaster(text: string, baseUrl: string): Variant[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const out: Variant[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue;
    const a = attrs(line.slice('#EXT-X-STREAM-INF:'.length));
    let j = i + 1;
    while (j < lines.length && (!lines[j] || lines[j]?.startsWith('#'))) j++;
    const uri = lines[j];
    if (!uri) throw new Error('master playlist: EXT-X-STREAM-INF without a URI');
    out.push({
      uri: resolveUri(uri, baseUrl),
      bandwidth: Number(a.BANDWIDTH),
      ...(a['AVERAGE-BANDWIDTH'] ? { averageBandwidth: Number(a['AVERAGE-BANDWIDTH']) } : {}),
      ...(a.CODECS ? { codecs: a.CODECS } : {}),
    });
    i = j;
  }
  if (out.length === 0) throw new Error('master playlist has no variants');
  return out;
}

export function parseMedia(text: string, baseUrl: string): MediaPlaylist {
  let initUri: string | undefined;
  let target = 0;
  let pending: number | undefined;
  const segments: MediaSegment[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#EXT-X-MAP:')) initUri = attrs(line.slice('#EXT-X-MAP:'.length)).URI;
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) target = Number(line.split(':')[1]);
    else if (line.startsWith('#EXTINF:')) pending = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (!line.startsWith('#')) {
      if (pending === undefined) throw new Error(`media playlist: segment ${line} without EXTINF`);
      segments.push({ uri: resolveUri(line, baseUrl), durationSeconds: pending });
      pending = undefined;
    }
  }
  if (!initUri) throw new Error('media playlist has no EXT-X-MAP (fMP4 expected)');
  return { initUri: resolveUri(initUri, baseUrl), segments, targetDurationSeconds: target };
}
