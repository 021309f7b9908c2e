// Reads a file's format and tags in the browser with music-metadata's browser API (parseBlob), then maps
// them with the import's own mapping (@tonearm/validators/tags), so what the table shows is what
// `pnpm import` would have filed. The server decides the format again by the bytes; this only lets a
// person see and fix the tags before anything is sent, and refuses the obvious non-audio early.
import { mapTags, type TrackTags } from '@tonearm/validators/tags';
import { folderOf } from './collect';

/** Matches the server's default limit (MAX_UPLOAD_BYTES); the server checks again and has the last word. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

export const AUDIO_EXTENSIONS = [
  'mp3',
  'flac',
  'ogg',
  'oga',
  'opus',
  'm4a',
  'mp4',
  'aac',
  'alac',
  'wav',
  'aif',
  'aiff',
  'aifc',
] as const;

export type ReadResult =
  | { ok: true; tags: TrackTags; format: string; durationSec: number | null }
  | { ok: false; reason: string };

const extOf = (name: string) => (/\.([^./]{1,5})$/.exec(name)?.[1] ?? '').toLowerCase();
const IMAGE = /\.(jpe?g|png|webp|gif|avif|bmp)$/i;

/** The format a person knows, from what music-metadata found; null for none Tonearm takes. */
export function formatLabel(container: string | undefined, codec: string | undefined): string | null {
  const c = (codec ?? '').toLowerCase();
  const box = (container ?? '').toLowerCase();
  if (/layer 3|mp3/.test(c)) return 'MP3';
  if (c === 'flac' || (box === 'flac' && !c)) return 'FLAC';
  if (/vorbis/.test(c)) return 'Ogg Vorbis';
  if (/opus/.test(c)) return 'Opus';
  if (/alac/.test(c)) return 'ALAC';
  if (/aac|mp4a/.test(c)) return 'AAC';
  if (/^wave?/.test(box)) return 'WAV';
  if (/^aiff/.test(box)) return 'AIFF';
  return null;
}

/** Why a file is not even read (not audio by name and type, empty, too big); null when it may be. */
export function precheck(file: File, limit = MAX_UPLOAD_BYTES): string | null {
  const ext = extOf(file.name);
  const audioByName = (AUDIO_EXTENSIONS as readonly string[]).includes(ext);
  if (!audioByName && !file.type.startsWith('audio/')) {
    if (IMAGE.test(file.name))
      return 'An image, not music: the cover embedded in the music files is used for the album.';
    return `Not an audio file${ext ? ` (.${ext})` : ''}: Tonearm takes MP3, FLAC, Ogg Vorbis, Opus, AAC/M4A, ALAC, WAV and AIFF.`;
  }
  if (file.size === 0) return 'The file is empty.';
  if (file.size > limit)
    return `The file is ${Math.ceil(file.size / 1024 / 1024)} MB, over the ${Math.floor(limit / 1024 / 1024)} MB upload limit.`;
  return null;
}

/** Format and tags of one picked file (its relative path feeds the folder-name fallbacks). */
export async function readTags(file: File, path: string): Promise<ReadResult> {
  const early = precheck(file);
  if (early) return { ok: false, reason: early };
  // Loaded on first use: the parser is only needed once files are picked.
  const { parseBlob } = await import('music-metadata');
  let meta: Awaited<ReturnType<typeof parseBlob>>;
  try {
    meta = await parseBlob(file, { duration: false });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `Not playable audio: the file could not be read as music (${why}).` };
  }
  const format = formatLabel(meta.format.container, meta.format.codec);
  if (!format || !meta.format.numberOfChannels) {
    const found = [meta.format.container, meta.format.codec].filter(Boolean).join(', ');
    return {
      ok: false,
      reason: `Not a format Tonearm takes${found ? ` (${found})` : ''}: MP3, FLAC, Ogg Vorbis, Opus, AAC/M4A, ALAC, WAV and AIFF.`,
    };
  }
  const folder = folderOf(path).split('/').pop() || null;
  const tags = mapTags(meta, file.name, folder);
  return { ok: true, tags, format, durationSec: meta.format.duration ?? null };
}
