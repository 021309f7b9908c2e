'use client';
import Link from 'next/link';
import { useRef, useState } from 'react';
import { UploadIcon } from '../../components/icons';
import { RequireSession } from '../../components/require-session';
import {
  ACCEPT_ATTR,
  ACCEPTED_FORMATS,
  fieldProblem,
  type RowFields,
  type RowState,
  rowDone,
  type UploadRow,
  useUploadBatch,
} from '../../lib/hooks/use-upload';
import { filesFromDrop, filesFromList } from '../../lib/upload/collect';
import { MAX_UPLOAD_BYTES } from '../../lib/upload/read-tags';
import { usePageTitle } from '../../lib/use-page-title';

const STATE_TEXT: Record<RowState, string> = {
  reading: 'Reading tags…',
  rejected: 'Not uploaded',
  pending: 'Ready to upload',
  queued: 'Waiting',
  uploading: 'Uploading',
  checking: 'Checking the file',
  transcoding: 'Processing',
  ready: 'Ready to play',
  failed: 'Failed',
};

const COLUMNS: { field: keyof RowFields; label: string; narrow?: boolean }[] = [
  { field: 'disc', label: 'Disc', narrow: true },
  { field: 'track', label: 'Track', narrow: true },
  { field: 'title', label: 'Title' },
  { field: 'artist', label: 'Artist' },
  { field: 'album', label: 'Album' },
  { field: 'albumArtist', label: 'Album artist' },
];

/** Folder, then disc and track, then name: an album reads in its order. */
function byAlbumOrder(a: UploadRow, b: UploadRow): number {
  const folder = (r: UploadRow) => r.path.split('/').slice(0, -1).join('/');
  const num = (s: string) => (s.trim() ? Number(s) : 9999);
  return (
    folder(a).localeCompare(folder(b)) ||
    a.fields.album.localeCompare(b.fields.album) ||
    num(a.fields.disc) - num(b.fields.disc) ||
    num(a.fields.track) - num(b.fields.track) ||
    a.path.localeCompare(b.path, undefined, { numeric: true })
  );
}

const fileName = (path: string) => path.split('/').pop() ?? path;

function StatusLine({ row }: { row: UploadRow }) {
  const label = STATE_TEXT[row.state];
  const problem = row.state === 'pending' ? fieldProblem(row.fields) : null;
  return (
    <div className="upload-status">
      <span className="upload-file" title={row.path}>
        {row.path}
        {row.format && ` · ${row.format}`}
        {row.hasCover && ' · cover'}
      </span>
      <strong data-testid="row-status">{label}</strong>
      {row.state === 'uploading' && (
        <progress
          max={1}
          value={row.progress}
          aria-label={`Uploading ${fileName(row.path)}: ${Math.round(row.progress * 100)}%`}
        />
      )}
      {(row.state === 'checking' || row.state === 'transcoding') && (
        <progress aria-label={`${label}: ${fileName(row.path)}`} />
      )}
      {row.state === 'ready' && row.songId && (
        <span>
          <Link href={`/song/${row.songId}`}>Song</Link>
          {row.albumId && (
            <>
              {' · '}
              <Link href={`/album/${row.albumId}`}>Album</Link>
            </>
          )}
        </span>
      )}
      {row.state === 'failed' && row.reason && (
        <span className="field-error" role="alert">
          {row.reason}
        </span>
      )}
      {problem && (
        <span className="field-error" role="alert">
          {problem.message}
        </span>
      )}
    </div>
  );
}

function UploadTable({
  rows,
  edit,
  remove,
}: {
  rows: UploadRow[];
  edit: (id: string, f: keyof RowFields, v: string) => void;
  remove: (id: string) => void;
}) {
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="upload-table" data-testid="upload-table">
        <caption className="visually-hidden">Files to upload, with the tags read from them</caption>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.field} style={c.narrow ? { width: 56 } : undefined} />
          ))}
          <col style={{ width: 44 }} />
        </colgroup>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.field} scope="col">
                {c.label}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        {/* One body per file: its fields, then a line with the file, its format and its status. */}
        {rows.map((r) => {
          const problem = r.state === 'pending' ? fieldProblem(r.fields) : null;
          const editable = r.state === 'pending';
          return (
            <tbody key={r.id} data-path={r.path} data-state={r.state}>
              <tr>
                {COLUMNS.map((c) => (
                  <td key={c.field}>
                    <input
                      className="input"
                      aria-label={`${c.label} of ${r.path}`}
                      aria-invalid={problem?.field === c.field || undefined}
                      value={r.fields[c.field]}
                      title={r.fields[c.field]}
                      placeholder={
                        c.field === 'album' ? 'Single' : c.field === 'albumArtist' ? 'As artist' : ''
                      }
                      readOnly={!editable}
                      disabled={r.state === 'reading'}
                      inputMode={c.narrow ? 'numeric' : undefined}
                      maxLength={c.narrow ? 3 : 200}
                      onChange={(e) => edit(r.id, c.field, e.currentTarget.value)}
                    />
                  </td>
                ))}
                <td>
                  {editable && (
                    <button
                      type="button"
                      className="btn upload-remove"
                      aria-label={`Remove ${r.path}`}
                      onClick={() => remove(r.id)}
                    >
                      ×
                    </button>
                  )}
                </td>
              </tr>
              <tr className="upload-status-row">
                <td colSpan={COLUMNS.length + 1}>
                  <StatusLine row={r} />
                </td>
              </tr>
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

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
