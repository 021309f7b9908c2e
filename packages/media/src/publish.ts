// Moves a transcoded ladder into S3 and checks it there before anything points at it: every playlist
// is fetched back, parsed and checked against the authoring rules, and every segment and init it names
// must exist with the size written. The caller then publishes by flipping one database document.
import { join } from 'node:path';
import { checkMasterPlaylist, checkMediaPlaylist, contentTypeOf, parsePlaylist } from './hls';
import { listFiles } from './ladder';
import type { S3Storage } from './storage';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Uploads every file of `dir` under `prefix` (ending in "/"), a few at a time. */
export async function uploadDir(
  storage: S3Storage,
  dir: string,
  prefix: string,
  onProgress?: (fraction: number) => void,
): Promise<string[]> {
  const files = await listFiles(dir);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      await storage.putFile(prefix + f, join(dir, f), contentTypeOf(f), IMMUTABLE);
      onProgress?.(++done / files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  return files.map((f) => prefix + f);
}

export type VerifiedLadder = { playlists: string[]; segments: number; objects: number };

/** Verifies a ladder as stored under `prefix`; throws listing every problem. */
export async function verifyStoredLadder(storage: S3Storage, prefix: string): Promise<VerifiedLadder> {
  const objects = new Map((await storage.list(prefix)).map((o) => [o.key, o.size]));
  const problems: string[] = [];
  const masterKey = `${prefix}master.m3u8`;
  const master = (await storage.getBytes(masterKey))?.toString('utf8');
  if (!master) throw new Error(`${masterKey} is missing`);
  problems.push(...checkMasterPlaylist(master).map((p) => `master: ${p}`));
  const playlists: string[] = [];
  let segments = 0;
  for (const v of parsePlaylist(master).manifest.playlists ?? []) {
    const key = prefix + v.uri;
    const dir = key.slice(0, key.lastIndexOf('/') + 1);
    const text = (await storage.getBytes(key))?.toString('utf8');
    if (!text) {
      problems.push(`${v.uri} is missing`);
      continue;
    }
    playlists.push(key);
    problems.push(...checkMediaPlaylist(text).map((p) => `${v.uri}: ${p}`));
    const { manifest } = parsePlaylist(text);
    const needed = new Set<string>();
    for (const s of manifest.segments) {
      needed.add(dir + s.uri);
      if (s.map?.uri) needed.add(dir + s.map.uri);
    }
    for (const k of needed) {
      const size = objects.get(k);
      if (!size) problems.push(`${k.slice(prefix.length)} is missing or empty`);
    }
    segments += manifest.segments.length;
  }
  if (problems.length) throw new Error(`ladder under ${prefix} failed verification: ${problems.join('; ')}`);
  return { playlists, segments, objects: objects.size };
}
