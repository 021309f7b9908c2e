// Uploads: upload.create gives a presigned S3 PUT, the browser sends the file straight to storage
// (with progress), upload.finalize checks it and starts the transcode, and the song's status is
// followed until it is ready (song:transcode events from packages/realtime add live progress).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { useTRPC, useTRPCClient } from '../trpc';
import type { UploadStatus } from '../types';
import { type Action, fromMutation } from './feature';

export type UploadInput = { file: File; title: string; artistName: string; albumTitle: string | null };

export type Uploader = {
  upload: Action<UploadInput, { songId: string }>;
  /** Live status of uploads started in this tab, newest first. */
  uploads: UploadStatus[];
};

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

/** How often a transcoding song's status is re-read while no live event arrives. */
const POLL_MS = 1_500;

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

export function useUploader(): Uploader {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const qc = useQueryClient();
  const [uploads, setUploads] = useState<UploadStatus[]>([]);

  const patch = useCallback((songId: string, p: Partial<UploadStatus>) => {
    setUploads((us) => us.map((u) => (u.songId === songId ? { ...u, ...p } : u)));
  }, []);

  // Follow every song still being processed until it is ready or failed.
  useEffect(() => {
    const pending = uploads.filter((u) => u.status === 'transcoding' || u.status === 'uploaded');
    if (pending.length === 0) return;
    // An interval, not a timeout: a poll that finds no change leaves `uploads` as it is, so the effect
    // would not run again and the page would stay on "Processing" forever.
    let busy = false;
    const timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        for (const u of pending) {
          try {
            const song = await client.song.byId.query({ id: u.songId });
            if (song.status !== u.status) {
              patch(u.songId, {
                status: song.status,
                progress: song.status === 'ready' ? 1 : u.progress,
                error: song.status === 'failed' ? 'The file could not be converted.' : null,
              });
              if (song.status === 'ready') void qc.invalidateQueries({ queryKey: trpc.song.pathKey() });
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
  }, [uploads, client, patch, qc, trpc]);

  const mutation = useMutation({
    mutationFn: async (input: UploadInput) => {
      const created = await client.upload.create.mutate({
        title: input.title,
        artistName: input.artistName,
        ...(input.albumTitle ? { albumTitle: input.albumTitle } : {}),
        contentType: declaredType(input.file),
        sizeBytes: input.file.size,
      });
      const songId = created.songId;
      setUploads((us) => [{ songId, status: 'uploading', progress: 0, error: null }, ...us]);
      try {
        await putWithProgress(created.uploadUrl, created.uploadHeaders, input.file, (f) =>
          patch(songId, { progress: f }),
        );
        const done = await client.upload.finalize.mutate({ songId });
        patch(songId, { status: done.status, progress: done.status === 'ready' ? 1 : 0 });
      } catch (e) {
        patch(songId, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
        throw e;
      }
      return { songId };
    },
  });
  return { upload: fromMutation(mutation), uploads };
}
