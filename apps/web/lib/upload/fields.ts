// What an upload row holds before it is sent: the formats accepted, the type a file declares (by
// extension, for the presigned PUT), the editable fields read from its tags, and what is wrong with them.
import type { TrackTags } from '@tonearm/validators/tags';

/** The formats the server accepts; it decides the format again by the file's bytes. */
export const ACCEPTED_FORMATS = 'MP3, FLAC, Ogg Vorbis, Opus, AAC/M4A, ALAC, WAV and AIFF';
export const ACCEPT_ATTR = 'audio/*,.mp3,.flac,.ogg,.oga,.opus,.m4a,.mp4,.aac,.alac,.wav,.aif,.aiff,.aifc';
const BY_EXT = {
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/opus',
  m4a: 'audio/mp4',
  mp4: 'audio/mp4',
  aac: 'audio/aac',
  alac: 'audio/mp4',
  wav: 'audio/wav',
  aif: 'audio/aiff',
  aiff: 'audio/aiff',
  aifc: 'audio/aiff',
} as const;
type Declared = (typeof BY_EXT)[keyof typeof BY_EXT];

/** The content type to declare: only names the stored object (the server probes the bytes). */
export function declaredType(file: File): Declared {
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return (BY_EXT as Record<string, Declared>)[ext] ?? 'audio/mpeg';
}

export type RowState =
  | 'reading'
  | 'rejected'
  | 'pending'
  | 'queued'
  | 'uploading'
  | 'checking'
  | 'transcoding'
  | 'ready'
  | 'failed';

export type RowFields = {
  title: string;
  artist: string;
  album: string;
  albumArtist: string;
  disc: string;
  track: string;
};

export type UploadRow = {
  id: string;
  path: string;
  file: File;
  state: RowState;
  /** Why a file was rejected or failed, in a sentence. */
  reason: string | null;
  format: string | null;
  durationSec: number | null;
  hasCover: boolean;
  fields: RowFields;
  /** 0..1 of the current step (the PUT's bytes while uploading). */
  progress: number;
  songId: string | null;
  albumId: string | null;
};

export type FieldProblem = { field: keyof RowFields; message: string } | null;

/** What is wrong with a row's fields before it may be sent (the server validates again). */
export function fieldProblem(f: RowFields): FieldProblem {
  if (!f.title.trim()) return { field: 'title', message: 'A title is needed.' };
  if (!f.artist.trim()) return { field: 'artist', message: 'An artist is needed.' };
  for (const k of ['title', 'artist', 'album', 'albumArtist'] as const)
    if (f[k].trim().length > 200) return { field: k, message: 'At most 200 characters.' };
  if (f.track.trim() && !/^\d{1,3}$/.test(f.track.trim()))
    return { field: 'track', message: 'A track number from 1 to 999.' };
  if (f.disc.trim() && !/^\d{1,2}$/.test(f.disc.trim()))
    return { field: 'disc', message: 'A disc number from 1 to 99.' };
  if (Number(f.track) === 0 && f.track.trim())
    return { field: 'track', message: 'Track numbers start at 1.' };
  if (Number(f.disc) === 0 && f.disc.trim()) return { field: 'disc', message: 'Disc numbers start at 1.' };
  return null;
}

export function fieldsOf(tags: TrackTags, folder: string): RowFields {
  return {
    title: tags.title,
    artist: tags.artists[0] ?? '',
    // A loose file with no album tag is a single (the server files it under its title).
    album: tags.albumFromFolder && !folder ? '' : tags.album,
    albumArtist: tags.albumArtist ?? (tags.compilation ? 'Various Artists' : ''),
    disc: String(tags.discNumber ?? 1),
    track: tags.trackNumber ? String(tags.trackNumber) : '',
  };
}
