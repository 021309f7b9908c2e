'use client';
// Upload: pick files or whole folders (or drop them), check the tags read in the browser, send.
import { useRef, useState } from 'react';
import { UploadIcon } from '../../components/icons';
import { RequireSession } from '../../components/require-session';
import { byAlbumOrder, UploadTable } from '../../components/upload-table';
import {
  ACCEPT_ATTR,
  ACCEPTED_FORMATS,
  fieldProblem,
  rowDone,
  useUploadBatch,
} from '../../lib/hooks/use-upload';
import { filesFromDrop, filesFromList } from '../../lib/upload/collect';
import { MAX_UPLOAD_BYTES } from '../../lib/upload/read-tags';
import { usePageTitle } from '../../lib/use-page-title';

function UploadForm() {
  const { rows, running, add, edit, remove, clearFinished, start } = useUploadBatch();
  const filesRef = useRef<HTMLInputElement>(null);
  const dirRef = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const rejected = rows.filter((r) => r.state === 'rejected');
  const table = rows.filter((r) => r.state !== 'rejected').sort(byAlbumOrder);
  const pending = table.filter((r) => r.state === 'pending');
  const sendable = pending.filter((r) => !fieldProblem(r.fields));
  const reading = table.some((r) => r.state === 'reading');
  const started = table.filter((r) => !['pending', 'reading'].includes(r.state));
  const ready = started.filter((r) => r.state === 'ready').length;
  const failed = started.filter((r) => r.state === 'failed').length;
  const overall = started.length ? started.reduce((s, r) => s + rowDone(r), 0) / started.length : 0;

  const pickFrom = (input: HTMLInputElement | null) => {
    const picked = filesFromList(input?.files);
    if (input) input.value = '';
    void add(picked);
  };

  return (
    <div style={{ display: 'grid', gap: 20 }}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the two pickers inside it are the keyboard path */}
      <div
        className="dropzone"
        data-testid="dropzone"
        data-over={over}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void filesFromDrop(e.dataTransfer).then(add);
        }}
      >
        <UploadIcon size={28} />
        <p style={{ margin: 0 }}>Drop music files or whole folders here, or choose them.</p>
        <div style={{ display: 'flex', gap: 10, flexWrap: 'wrap', justifyContent: 'center' }}>
          <label htmlFor="upload-files" className="btn">
            Choose files
          </label>
          <input
            ref={filesRef}
            id="upload-files"
            type="file"
            multiple
            accept={ACCEPT_ATTR}
            className="visually-hidden"
            onChange={() => pickFrom(filesRef.current)}
          />
          <label htmlFor="upload-folder" className="btn">
            Choose a folder
          </label>
          <input
            ref={dirRef}
            id="upload-folder"
            type="file"
            className="visually-hidden"
            // The folder picker: not in React's input typings, a plain attribute works in every browser.
            {...{ webkitdirectory: '', directory: '' }}
            onChange={() => pickFrom(dirRef.current)}
          />
        </div>
        <p className="meta" style={{ margin: 0 }} data-testid="accepted-formats">
          Accepted: {ACCEPTED_FORMATS}, up to {MAX_UPLOAD_BYTES / 1024 / 1024} MB a file.
        </p>
      </div>

      {table.length > 0 && (
        <section aria-labelledby="check-heading" style={{ display: 'grid', gap: 12 }}>
          <h2 id="check-heading" style={{ margin: 0 }}>
            {pending.length > 0 ? 'Check the tags' : 'Your uploads'}
          </h2>
          {pending.length > 0 && (
            <p className="meta" style={{ margin: 0 }}>
              Read from the files; change anything before uploading. Tracks with the same album and album
              artist become one album, with the cover embedded in its files.
            </p>
          )}
          {started.length > 0 && (
            <div data-testid="overall" style={{ display: 'grid', gap: 4 }}>
              <span>
                {ready} of {started.length} ready to play{failed ? ` · ${failed} failed` : ''}
              </span>
              <progress
                max={1}
                value={overall}
                aria-label={`Overall progress: ${Math.round(overall * 100)}%`}
              />
            </div>
          )}
          <UploadTable rows={table} edit={edit} remove={remove} />
          <div style={{ display: 'flex', gap: 10, flexWrap: 'wrap' }}>
            {pending.length > 0 && (
              <button
                type="button"
                className="btn btn-primary"
                disabled={reading || sendable.length === 0}
                onClick={() => void start()}
              >
                {reading
                  ? 'Reading tags…'
                  : `Upload ${sendable.length} ${sendable.length === 1 ? 'file' : 'files'}`}
              </button>
            )}
            {!running && started.length > 0 && (
              <button type="button" className="btn" onClick={clearFinished}>
                Clear finished
              </button>
            )}
          </div>
        </section>
      )}

      {rejected.length > 0 && (
        <section aria-labelledby="rejected-heading" className="notice" data-testid="rejected">
          <h2 id="rejected-heading" style={{ margin: '0 0 8px', fontSize: '1rem' }}>
            Not uploaded ({rejected.length})
          </h2>
          <ul style={{ margin: 0, paddingLeft: 18, display: 'grid', gap: 4 }}>
            {rejected.map((r) => (
              <li key={r.id}>
                <strong>{r.path}</strong>: {r.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
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
            Bring your music: {ACCEPTED_FORMATS} files, one by one or whole album folders. Title, artists,
            album, track numbers and the embedded cover are read from the tags, and lossless files stay
            lossless. To bring a whole library, run <code>pnpm run import</code> on the server.
          </p>
        </div>
      </div>
      <RequireSession what="upload music">{() => <UploadForm />}</RequireSession>
    </>
  );
}
