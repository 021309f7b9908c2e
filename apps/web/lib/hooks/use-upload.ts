// Uploads of many files and whole folders. Picked files are read in the browser first (format and tags,
// lib/upload/read-tags.ts) and shown in an editable table; a folder's tracks are grouped as the import
// groups them (@tonearm/validators/tags' harmoniseAlbumGroups fills a missing album artist from the folder's others).
// On confirm each file goes its own way: upload.create gives a presigned S3 PUT, the browser sends the
// file straight to storage (with progress), upload.finalize checks it and starts the transcode, and the
// song's status is followed until it is ready. Two files travel at once.

import { useQueryClient } from '@tanstack/react-query';
import { harmoniseAlbumGroups, type TrackTags } from '@tonearm/validators/tags';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../errors';
import { useTRPC, useTRPCClient } from '../trpc';
import { folderOf, type PickedFile } from '../upload/collect';
import { readTags } from '../upload/read-tags';

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
function declaredType(file: File): Declared {
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

function fieldsOf(tags: TrackTags, folder: string): RowFields {
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

/** How often transcoding songs' status is re-read. */
const POLL_MS = 1_500;
const PARALLEL_UPLOADS = 2;
const PARALLEL_READS = 4;

function putWithProgress(
  url: string,
  headers: Record<string, string>,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url, true);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new Error(`The storage server refused the file (HTTP ${xhr.status}).`));
    xhr.onerror = () => reject(new Error('The upload was interrupted. Check your connection and try again.'));
    xhr.send(file);
  });
}

async function mapLimit<T>(items: T[], n: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

let seq = 0;

export function useUploadBatch() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const [rows, setRowsState] = useState<UploadRow[]>([]);
  const rowsRef = useRef<UploadRow[]>([]);
  const [running, setRunning] = useState(false);

  const setRows = useCallback((f: (rs: UploadRow[]) => UploadRow[]) => {
    rowsRef.current = f(rowsRef.current);
    setRowsState(rowsRef.current);
  }, []);
  const patch = useCallback(
    (id: string, p: Partial<UploadRow>) => setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...p } : r))),
    [setRows],
  );

  /** Adds picked files: each is read (format, tags) and appears pre-filled, or rejected with a reason. */
  const add = useCallback(
    async (picked: PickedFile[]) => {
      // Dot files (.DS_Store, ._Song.flac) are the system's, not the person's.
      const files = picked.filter((p) => !p.path.split('/').some((part) => part.startsWith('.')));
      const fresh: UploadRow[] = files.map((p) => ({
        id: `f${++seq}`,
        path: p.path,
        file: p.file,
        state: 'reading',
        reason: null,
        format: null,
        durationSec: null,
        hasCover: false,
        fields: { title: '', artist: '', album: '', albumArtist: '', disc: '', track: '' },
        progress: 0,
        songId: null,
        albumId: null,
      }));
      setRows((rs) => [...rs, ...fresh]);
      const read = new Map<string, { tags: TrackTags; format: string; durationSec: number | null }>();
      await mapLimit(fresh, PARALLEL_READS, async (r) => {
        const res = await readTags(r.file, r.path).catch((e: unknown) => ({
          ok: false as const,
          reason: `The file could not be read (${describeError(e)}).`,
        }));
        if (res.ok) read.set(r.id, res);
        else patch(r.id, { state: 'rejected', reason: res.reason });
      });
      // Group as the import does: one folder's tracks of one album title share its album artist.
      const good = fresh.filter((r) => read.has(r.id));
      harmoniseAlbumGroups(good.map((r) => ({ folder: folderOf(r.path), tags: read.get(r.id)!.tags })));
      for (const r of good) {
        const t = read.get(r.id)!;
        patch(r.id, {
          state: 'pending',
          format: t.format,
          durationSec: t.durationSec,
          hasCover: !!t.tags.picture,
          fields: fieldsOf(t.tags, folderOf(r.path)),
        });
      }
    },
    [patch, setRows],
  );

  const edit = useCallback(
    (id: string, field: keyof RowFields, value: string) =>
      setRows((rs) =>
        rs.map((r) =>
          r.id === id && r.state === 'pending' ? { ...r, fields: { ...r.fields, [field]: value } } : r,
        ),
      ),
    [setRows],
  );
  const remove = useCallback((id: string) => setRows((rs) => rs.filter((r) => r.id !== id)), [setRows]);
  const clearFinished = useCallback(
    () => setRows((rs) => rs.filter((r) => !['rejected', 'ready', 'failed'].includes(r.state))),
    [setRows],
  );

  const sendOne = useCallback(
    async (row: UploadRow) => {
      const f = row.fields;
      const text = (s: string) => s.trim() || undefined;
      patch(row.id, { state: 'uploading', progress: 0 });
      let songId: string;
      let created: Awaited<ReturnType<typeof client.upload.create.mutate>>;
      try {
        created = await client.upload.create.mutate({
          title: f.title.trim(),
          artistName: f.artist.trim(),
          albumTitle: text(f.album),
          albumArtist: text(f.albumArtist),
          trackNumber: f.track.trim() ? Number(f.track) : undefined,
          discNumber: f.disc.trim() ? Number(f.disc) : undefined,
          contentType: declaredType(row.file),
          sizeBytes: row.file.size,
        });
        songId = created.songId;
      } catch (e) {
        patch(row.id, { state: 'failed', reason: `Refused by the server: ${describeError(e)}` });
        return;
      }
      patch(row.id, { songId });
      try {
        await putWithProgress(created.uploadUrl, created.uploadHeaders, row.file, (p) =>
          patch(row.id, { progress: p }),
        );
      } catch (e) {
        patch(row.id, { state: 'failed', reason: describeError(e) });
        return;
      }
      patch(row.id, { state: 'checking', progress: 1 });
      try {
        const done = await client.upload.finalize.mutate({ songId });
        patch(row.id, { state: done.status === 'ready' ? 'ready' : 'transcoding', progress: 0 });
      } catch (e) {
        patch(row.id, { state: 'failed', reason: `Refused by the server: ${describeError(e)}` });
      }
    },
    [client, patch],
  );

  /** Sends every pending row whose fields are complete. */
  const start = useCallback(async () => {
    const ready = rowsRef.current.filter((r) => r.state === 'pending' && !fieldProblem(r.fields));
    if (ready.length === 0) return;
    for (const r of ready) patch(r.id, { state: 'queued' });
    setRunning(true);
    try {
      await mapLimit(ready, PARALLEL_UPLOADS, (r) =>
        sendOne(rowsRef.current.find((x) => x.id === r.id) ?? r),
      );
    } finally {
      setRunning(false);
    }
  }, [patch, sendOne]);

  // Follow every song still being processed until it is ready or failed. An interval, not a timeout:
  // a poll that finds no change leaves `rows` as it is, so the effect would not run again.
  const followed = rows
    .filter((r) => r.state === 'transcoding' && r.songId)
    .map((r) => `${r.id}:${r.songId}`)
    .join(',');
  useEffect(() => {
    if (!followed) return;
    let busy = false;
    const timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        for (const r of rowsRef.current.filter((x) => x.state === 'transcoding' && x.songId)) {
          try {
            const song = await client.song.byId.query({ id: r.songId! });
            if (song.status === 'ready') {
              patch(r.id, { state: 'ready', progress: 1, albumId: song.albumId });
              void qc.invalidateQueries({ queryKey: trpc.song.pathKey() });
              void qc.invalidateQueries({ queryKey: trpc.album.pathKey() });
            } else if (song.status === 'failed') {
              patch(r.id, { state: 'failed', reason: 'The file could not be converted for streaming.' });
            }
          } catch {
            // A transient read failure: the next tick tries again.
          }
        }
      } finally {
        busy = false;
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [followed, client, patch, qc, trpc]);

  return { rows, running, add, edit, remove, clearFinished, start };
}

/** Weight of a row's state in the overall progress (0 = not started, 1 = finished either way). */
export function rowDone(r: UploadRow): number {
  switch (r.state) {
    case 'uploading':
      return 0.6 * r.progress;
    case 'checking':
      return 0.7;
    case 'transcoding':
      return 0.8;
    case 'ready':
    case 'failed':
      return 1;
    default:
      return 0;
  }
}
