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
import { declaredType, fieldProblem, fieldsOf, type RowFields, type UploadRow } from '../upload/fields';
import { mapLimit, putWithProgress } from '../upload/put';
import { readTags } from '../upload/read-tags';

export * from '../upload/fields';

/** How often transcoding songs' status is re-read. */
const POLL_MS = 1_500;
const PARALLEL_UPLOADS = 2;
const PARALLEL_READS = 4;

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
