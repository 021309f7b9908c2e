'use client';
import Link from 'next/link';
import { useRef, useState } from 'react';
import { UploadIcon } from '../../components/icons';
import { RequireSession } from '../../components/require-session';
import { describeError } from '../../lib/errors';
import { ACCEPT_ATTR, ACCEPTED_FORMATS, useUploader } from '../../lib/hooks/use-upload';
import type { UploadStatus } from '../../lib/types';
import { usePageTitle } from '../../lib/use-page-title';

/** Matches the server's limit (issue 4); the server checks again and has the last word. */
const MAX_BYTES = 200 * 1024 * 1024;

const STATUS_TEXT: Record<UploadStatus['status'], string> = {
  uploading: 'Uploading',
  uploaded: 'Uploaded, waiting to be processed',
  transcoding: 'Processing',
  ready: 'Ready to play',
  failed: 'Failed',
};

function titleFromFile(name: string): string {
  return name
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/[_]+/g, ' ')
    .trim();
}

function UploadForm() {
  const { upload, uploads } = useUploader();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [artist, setArtist] = useState('');
  const [album, setAlbum] = useState('');
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const pick = (f: File | undefined) => {
    setError(null);
    if (!f) return;
    if (f.size > MAX_BYTES) {
      setError(`“${f.name}” is larger than ${MAX_BYTES / 1024 / 1024} MB.`);
      return;
    }
    setFile(f);
    if (!title) setTitle(titleFromFile(f.name));
  };

  return (
    <>
      <form
        style={{ display: 'grid', gap: 18, maxWidth: 640 }}
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          setError(null);
          upload
            .run({ file, title: title.trim(), artistName: artist.trim(), albumTitle: album.trim() || null })
            .then(
              () => {
                setFile(null);
                setTitle('');
                if (fileRef.current) fileRef.current.value = '';
              },
              (err) => setError(describeError(err)),
            );
        }}
      >
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file input beside it is the keyboard path */}
        <div
          className="dropzone"
          data-over={over}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            pick(e.dataTransfer.files[0]);
          }}
        >
          <UploadIcon size={28} />
          <p style={{ margin: 0 }}>
            {file ? `Selected: ${file.name}` : 'Drop a music file here, or choose a file.'}
          </p>
          <label htmlFor="upload-file" className="btn">
            Choose a file
          </label>
          <input
            ref={fileRef}
            id="upload-file"
            type="file"
            accept={ACCEPT_ATTR}
            className="visually-hidden"
            onChange={(e) => pick(e.currentTarget.files?.[0])}
          />
        </div>
        <div className="field">
          <label htmlFor="upload-title">Title</label>
          <input
            id="upload-title"
            className="input"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="upload-artist">Artist</label>
          <input
            id="upload-artist"
            className="input"
            required
            maxLength={200}
            value={artist}
            onChange={(e) => setArtist(e.currentTarget.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="upload-album">Album (optional)</label>
          <input
            id="upload-album"
            className="input"
            maxLength={200}
            value={album}
            onChange={(e) => setAlbum(e.currentTarget.value)}
          />
        </div>
        {error && (
          <p className="notice error" role="alert">
            {error}
          </p>
        )}
        <div>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={!file || !title.trim() || !artist.trim() || upload.isPending}
          >
            {upload.isPending ? 'Uploading…' : 'Upload'}
          </button>
        </div>
      </form>

      {uploads.length > 0 && (
        <section className="section" aria-labelledby="uploads-heading">
          <h2 id="uploads-heading">Your uploads</h2>
          <ul style={{ listStyle: 'none', padding: 0, display: 'grid', gap: 14 }} data-testid="uploads">
            {uploads.map((u) => (
              <li key={u.songId} className="card" style={{ gap: 6 }}>
                <span>
                  <strong>{STATUS_TEXT[u.status]}</strong>
                  {u.status === 'ready' && (
                    <>
                      {' · '}
                      <Link href={`/song/${u.songId}`}>Open the song</Link>
                    </>
                  )}
                </span>
                {(u.status === 'uploading' || u.status === 'transcoding') && (
                  <progress
                    max={1}
                    value={u.progress}
                    aria-label={`${STATUS_TEXT[u.status]}: ${Math.round(u.progress * 100)}%`}
                  />
                )}
                {u.error && (
                  <span className="field-error" role="alert">
                    {u.error}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

export default function UploadPage() {
  usePageTitle('Upload');
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Upload</h1>
          <p className="meta">
            {ACCEPTED_FORMATS} files are converted for streaming at several qualities; an album left empty,
            the year, genres and cover come from the file&apos;s tags. To bring a whole library, run{' '}
            <code>pnpm run import</code> on the server.
          </p>
        </div>
      </div>
      <RequireSession what="upload music">{() => <UploadForm />}</RequireSession>
    </>
  );
}
