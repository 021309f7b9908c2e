// Reading one audio file on the server: its format decided by content (the container by media's
// sniffAudioContainer, the check every ffmpeg call makes, then ffprobe's codec; never the file name),
// its tags through music-metadata, its duration from ffprobe. A file that is not one of the supported
// formats, or does not parse, throws a SkipError with a reason a person can act on; `pnpm run import`
// lists it under `skipped`.
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type AudioContainer, probe, sniffAudioContainer } from '@tonearm/media';
import { mapTags, type TrackTags } from '@tonearm/validators/tags';
import { parseFile } from 'music-metadata';

export const AUDIO_FORMATS = ['mp3', 'flac', 'vorbis', 'opus', 'aac', 'alac', 'wav', 'aiff'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** What the upload page and the README list. */
export const AUDIO_FORMAT_LABELS: Record<AudioFormat, string> = {
  mp3: 'MP3',
  flac: 'FLAC',
  vorbis: 'Ogg Vorbis',
  opus: 'Opus',
  aac: 'AAC / M4A',
  alac: 'ALAC',
  wav: 'WAV',
  aiff: 'AIFF',
};

export const LOSSLESS_FORMATS: ReadonlySet<AudioFormat> = new Set(['flac', 'alac', 'wav', 'aiff']);

/** Content type and file extension a source of this format is stored with in S3. */
export const FORMAT_STORAGE: Record<AudioFormat, { contentType: string; ext: string }> = {
  mp3: { contentType: 'audio/mpeg', ext: 'mp3' },
  flac: { contentType: 'audio/flac', ext: 'flac' },
  vorbis: { contentType: 'audio/ogg', ext: 'ogg' },
  opus: { contentType: 'audio/ogg', ext: 'opus' },
  aac: { contentType: 'audio/mp4', ext: 'm4a' },
  alac: { contentType: 'audio/mp4', ext: 'm4a' },
  wav: { contentType: 'audio/wav', ext: 'wav' },
  aiff: { contentType: 'audio/aiff', ext: 'aiff' },
};

export class SkipError extends Error {}

const CODEC_FORMAT: Record<string, AudioFormat> = {
  mp3: 'mp3',
  mp2: 'mp3',
  flac: 'flac',
  vorbis: 'vorbis',
  opus: 'opus',
  aac: 'aac',
  alac: 'alac',
};

/** The format from ffprobe's codec and container; null when the pair is not one Tonearm accepts. */
export function formatOf(codec: string, container: AudioContainer): AudioFormat | null {
  if (codec.startsWith('pcm_')) return container === 'wav' ? 'wav' : container === 'aiff' ? 'aiff' : null;
  const f = CODEC_FORMAT[codec];
  if (!f) return null;
  if (f === 'vorbis' || f === 'opus') return container === 'ogg' ? f : null;
  if (f === 'alac') return container === 'mp4' ? f : null;
  return f;
}

export type TrackFile = {
  path: string;
  format: AudioFormat;
  codec: string;
  sampleRate: number | null;
  durationSec: number;
  tags: TrackTags;
};

async function readHead(path: string, n = 64): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Reads one file; throws SkipError with the reason when it is not importable audio. */
export async function readTrackFile(
  path: string,
  opts: {
    maxDurationSec?: number;
    /** ffprobe's answer for this file when the caller already has it (upload.finalize). */
    probed?: Awaited<ReturnType<typeof probe>>;
  } = {},
): Promise<TrackFile> {
  const head = await readHead(path);
  if (head.length === 0) throw new SkipError('empty file (0 bytes)');
  // The same container check every ffmpeg call makes (media's sniffAudioContainer), so the import
  // accepts exactly what the pipeline will read.
  const container = await sniffAudioContainer(path);
  if (!container) {
    const printable = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128);
    throw new SkipError(
      printable ? 'not audio: the file holds text' : 'not audio: no supported audio format recognised',
    );
  }
  let info: Awaited<ReturnType<typeof probe>>;
  try {
    info = opts.probed ?? (await probe(path));
  } catch (e) {
    const last =
      String((e as Error).message)
        .trim()
        .split('\n')
        .pop() ?? '';
    throw new SkipError(`corrupt or unreadable audio (${container}): ${last.slice(0, 160)}`);
  }
  const stream = info.streams.find((s) => s.codec_type === 'audio');
  if (!stream) throw new SkipError('not audio: no audio stream');
  const codec = String(stream.codec_name ?? '');
  const format = formatOf(codec, container);
  if (!format) throw new SkipError(`unsupported audio format: ${codec || 'unknown codec'} in ${container}`);
  const durationSec = Number(info.format.duration ?? stream.duration);
  if (!Number.isFinite(durationSec) || durationSec <= 0)
    throw new SkipError('corrupt audio: no duration (the stream holds no decodable frames)');
  if (opts.maxDurationSec && durationSec > opts.maxDurationSec)
    throw new SkipError(`too long: ${Math.round(durationSec)} s, over the ${opts.maxDurationSec} s limit`);
  let meta: Awaited<ReturnType<typeof parseFile>>;
  try {
    meta = await parseFile(path, { duration: false });
  } catch (e) {
    throw new SkipError(`corrupt tags: ${(e as Error).message.slice(0, 160)}`);
  }
  const folder = basename(dirname(path));
  return {
    path,
    format,
    codec,
    sampleRate: Number(stream.sample_rate) || null,
    durationSec: Math.round(durationSec * 1000) / 1000,
    tags: mapTags(meta, basename(path), folder),
  };
}
