// Scanning the paths an import is given: regular files, folders recursively (symlinks followed once, a
// loop skipped), the cover images each folder offers, and the files' SHA-256 identity.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

const COVER_NAMES = /^(cover|folder|front|albumart)\.(jpe?g|png|webp|gif|avif)$/i;

export type Skipped = { path: string; reason: string };

export type ScanResult = {
  files: string[];
  /** Cover image candidates by directory. */
  covers: Map<string, string[]>;
  skipped: Skipped[];
};

export const errCode = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? '';

/** Walks the paths: regular files, folders recursively (symlinks followed once; a loop is skipped). */
export async function scanPaths(paths: string[]): Promise<ScanResult> {
  const out: ScanResult = { files: [], covers: new Map(), skipped: [] };
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  const addFile = async (p: string) => {
    const real = await realpath(p).catch(() => p);
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    const name = basename(p);
    if (COVER_NAMES.test(name)) {
      const d = dirname(p);
      out.covers.set(d, [...(out.covers.get(d) ?? []), p]);
      return;
    }
    out.files.push(p);
  };

  const walk = async (dir: string, chain: Set<string>) => {
    let real: string;
    try {
      real = await realpath(dir);
    } catch (e) {
      out.skipped.push({ path: dir, reason: `unreadable directory: ${errCode(e) || (e as Error).message}` });
      return;
    }
    if (chain.has(real)) {
      out.skipped.push({ path: dir, reason: `symlink loop: leads back to ${real}` });
      return;
    }
    if (seenDirs.has(real)) return; // the same folder reached twice by two paths: scanned once
    seenDirs.add(real);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      const code = errCode(e);
      out.skipped.push({
        path: dir,
        reason: `unreadable directory: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code || (e as Error).message}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const next = new Set(chain).add(real);
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // .DS_Store, ._AppleDouble, .git: never music
      const p = join(dir, e.name);
      if (e.isSymbolicLink()) {
        let st: import('node:fs').Stats;
        try {
          st = await stat(p);
        } catch (err) {
          const code = errCode(err);
          out.skipped.push({
            path: p,
            reason: code === 'ELOOP' ? 'symlink loop' : `broken symlink (${code || 'unreadable'})`,
          });
          continue;
        }
        if (st.isDirectory()) await walk(p, next);
        else if (st.isFile()) await addFile(p);
        continue;
      }
      if (e.isDirectory()) await walk(p, next);
      else if (e.isFile()) await addFile(p);
      else out.skipped.push({ path: p, reason: 'not a regular file' });
    }
  };

  for (const raw of paths) {
    const p = resolve(raw);
    let st: import('node:fs').Stats;
    try {
      st = await lstat(p);
      if (st.isSymbolicLink()) st = await stat(p);
    } catch (e) {
      const code = errCode(e);
      out.skipped.push({
        path: p,
        reason:
          code === 'ENOENT'
            ? 'no such file or directory'
            : code === 'ELOOP'
              ? 'symlink loop'
              : `unreadable: ${code}`,
      });
      continue;
    }
    if (st.isDirectory()) await walk(p, new Set());
    else if (st.isFile()) {
      if (COVER_NAMES.test(basename(p))) await addFile(p);
      else {
        // A single file named on the command line: its folder's cover still counts.
        const before = out.covers.size;
        await addFile(p);
        if (before === out.covers.size) await findCovers(dirname(p), out.covers);
      }
    } else out.skipped.push({ path: p, reason: 'not a regular file or directory' });
  }
  return out;
}

async function findCovers(dir: string, covers: Map<string, string[]>) {
  if (covers.has(dir)) return;
  const names = await readdir(dir).catch(() => [] as string[]);
  covers.set(
    dir,
    names.filter((n) => COVER_NAMES.test(n)).map((n) => join(dir, n)),
  );
}

/** The cover file a folder offers: cover.* before folder.* before front.*, JPEG/PNG before the rest. */
export function pickCover(files: string[] | undefined): string | null {
  if (!files?.length) return null;
  const rank = (f: string) => {
    const n = basename(f).toLowerCase();
    const name = n.startsWith('cover') ? 0 : n.startsWith('folder') ? 1 : n.startsWith('front') ? 2 : 3;
    const ext = /\.(jpe?g|png)$/.test(n) ? 0 : 1;
    return name * 2 + ext;
  };
  return [...files].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Runs fn over items, at most `limit` at once. */
export async function mapLimit<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
}

export const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
