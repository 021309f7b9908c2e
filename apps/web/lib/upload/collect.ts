// Files a person gives the upload page: a drop of files and whole folders (the entries API walks a
// dropped folder recursively), the multi-file picker, or the folder picker (<input webkitdirectory>).
// Each comes with its path relative to what was picked, so a folder's files can be grouped as the
// import groups them (@tonearm/validators/tags' harmoniseAlbumGroups).

export type PickedFile = { file: File; path: string };

type Entry = FileSystemEntry;

function readAll(dir: FileSystemDirectoryEntry): Promise<Entry[]> {
  const reader = dir.createReader();
  const out: Entry[] = [];
  // readEntries answers in batches (100 in Chromium) until an empty one.
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

const fileOf = (entry: FileSystemFileEntry) =>
  new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(entry: Entry, prefix: string, out: PickedFile[], depth: number): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    out.push({ file: await fileOf(entry as FileSystemFileEntry), path });
    return;
  }
  // Folders nest; a pathological depth is cut (the entries API has no symlinks to loop on).
  if (!entry.isDirectory || depth > 32) return;
  const children = await readAll(entry as FileSystemDirectoryEntry);
  children.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  for (const child of children) await walk(child, path, out, depth + 1);
}

/** Every file of a drop, folders walked recursively; falls back to `files` without the entries API. */
export async function filesFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  // The entries must be taken synchronously, before the first await (the list is emptied after).
  const entries = [...dt.items]
    .filter((i) => i.kind === 'file')
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    const out: PickedFile[] = [];
    for (const e of entries as Entry[]) await walk(e, '', out, 0);
    return out;
  }
  return filesFromList(dt.files);
}

/** The files of a picker: webkitRelativePath ("Album/01.flac") from the folder picker, else the name. */
export function filesFromList(list: FileList | null | undefined): PickedFile[] {
  return [...(list ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** The folder part of a relative path ("" at the top). */
export const folderOf = (path: string) => path.split('/').slice(0, -1).join('/');
