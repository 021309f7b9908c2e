// Uploads (issue 4): upload.create gives a presigned S3 PUT, the browser sends the file straight to
// storage with progress, upload.finalize starts the transcode, and song:transcode events report it.
import type { UploadStatus } from '../types';
import { type Action, unavailableAction } from './feature';

export type UploadInput = { file: File; title: string; artistName: string; albumTitle: string | null };

export type Uploader = {
  upload: Action<UploadInput, { songId: string }>;
  /** Live status of uploads started in this tab, newest first. */
  uploads: UploadStatus[];
};

export function useUploader(): Uploader {
  return { upload: unavailableAction('Uploads'), uploads: [] };
}
