'use client';
// The upload page's table: one editable row per picked file (title, artist, album, numbers), grouped
// by album, each with its state (reading, rejected, queued, uploading with progress, checked, transcoding, ready).
import Link from 'next/link';
import { fieldProblem, type RowFields, type RowState, type UploadRow } from '../lib/hooks/use-upload';

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
export function byAlbumOrder(a: UploadRow, b: UploadRow): number {
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

export function UploadTable({
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
