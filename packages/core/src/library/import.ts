// Library import: scan folders and files on the server host, read each file's format and tags, group
// tracks into real albums and artists, put each new source in S3 like an upload and queue the existing
// transcode job below interactive uploads (BullMQ priority), feed album covers to the cover job, and
// wait for the transcodes. Identity is the SHA-256 of the file's bytes, so a second run of the same
// folder changes nothing; a moved file is recognised by its hash, a re-tagged one by its path.
// Nothing is half-imported: a song whose source could not be stored or whose transcode failed is
// removed with its S3 objects (and an album or artist left empty by that) and listed under skipped.
// Size: About 750 lines: one pipeline (scan, read, group, store, queue, wait) whose stages share the
// run's state and report; tags, tag mapping and scanning are in their own modules.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Album, Artist, ImportRun, mongoose, Song, type SongDoc } from '@tonearm/db';
import { Jobs } from '@tonearm/queue';
import {
  albumArtistOf,
  albumGroupKey,
  type EmbeddedPicture,
  harmoniseAlbumGroups,
  nameKey,
  type TrackTags,
} from '@tonearm/validators/tags';
import type { CoreDeps } from '../deps';
import { enqueueCover } from '../media/covers';
import type { MediaDeps } from '../media/deps';
import { FORMAT_STORAGE, readTrackFile, SkipError, type TrackFile } from './tags';

/** BullMQ priority of an import's transcodes: uploads carry none, so they always go first. */
export const IMPORT_PRIORITY = 100;

export type Skipped = { path: string; reason: string };

export type ImportSummary = {
  files: number;
  audio: number;
  imported: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  skipped: Skipped[];
  albums: number;
  artists: number;
  durationSec: number;
  /** Beyond the stable keys above. */
  moved: number;
  ready: number;
  failed: number;
  dryRun: boolean;
  runId: string | null;
};

export type ImportProgress = {
  phase: 'scanning' | 'reading' | 'importing' | 'transcoding' | 'done';
  files: number;
  scanned: number;
  queued: number;
  ready: number;
  failed: number;
  /** Seconds of audio queued and already transcoded, for an ETA. */
  queuedSec: number;
  readySec: number;
  startedAt: number;
};

export type ImportOptions = {
  dryRun?: boolean;
  /** Files read (hash, probe, tags) and stored at once. */
  concurrency?: number;
  /** Wait until every queued transcode is ready or failed (default true). */
  wait?: boolean;
  /** Give up waiting after this long (default: no limit). */
  waitTimeoutMs?: number;
  priority?: number;
  uploaderId?: string | null;
  /** Only the first N files found (in path order): a sample of a big library, or a bench. */
  limit?: number;
  onProgress?: (p: ImportProgress) => void;
};

const COVER_NAMES = /^(cover|folder|front|albumart)\.(jpe?g|png|webp|gif|avif)$/i;
const IMAGE_MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
};
const MAX_COVER_BYTES = 20 * 1024 * 1024;

// --- scanning ---------------------------------------------------------------------------

export type ScanResult = {
  files: string[];
  /** Cover image candidates by directory. */
  covers: Map<string, string[]>;
  skipped: Skipped[];
};

const errCode = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? '';

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
function pickCover(files: string[] | undefined): string | null {
  if (!files?.length) return null;
  const rank = (f: string) => {
    const n = basename(f).toLowerCase();
    const name = n.startsWith('cover') ? 0 : n.startsWith('folder') ? 1 : n.startsWith('front') ? 2 : 3;
    const ext = /\.(jpe?g|png)$/.test(n) ? 0 : 1;
    return name * 2 + ext;
  };
  return [...files].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

// --- reading ----------------------------------------------------------------------------

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

type ReadFile = TrackFile & { hash: string; size: number };

async function mapLimit<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
}

/**
 * Tracks of one folder that share an album title belong together even where some lack the album
 * artist or the release id the others carry (a real library's mess): see harmoniseAlbumGroups.
 */
export function harmoniseFolders(tracks: { path: string; tags: TrackTags }[]): void {
  harmoniseAlbumGroups(tracks.map((t) => ({ folder: dirname(t.path), tags: t.tags })));
}

// --- writing ----------------------------------------------------------------------------

type ArtistRef = { _id: mongoose.Types.ObjectId; name: string };

/** One artist per MusicBrainz id, else per folded name; an unknown-id match by name adopts the id. */
export async function upsertArtist(name: string, mbArtistId: string | null): Promise<ArtistRef> {
  const key = nameKey(name);
  if (mbArtistId) {
    const byId = await Artist.findOne({ mbArtistId }).select({ name: 1 }).lean();
    if (byId) return { _id: byId._id, name: byId.name };
    const byName = await Artist.findOneAndUpdate(
      { nameKey: key, mbArtistId: null },
      { $set: { mbArtistId } },
      { returnDocument: 'after' },
    ).lean();
    if (byName) return { _id: byName._id, name: byName.name };
    const made = await Artist.create({ name, nameKey: key, mbArtistId });
    return { _id: made._id, name: made.name };
  }
  const found =
    (await Artist.findOne({ nameKey: key }).select({ name: 1 }).lean()) ??
    // An artist made before imports (by hand, or an old upload) by the same name.
    (await Artist.findOneAndUpdate(
      { name, nameKey: null },
      { $set: { nameKey: key } },
      { returnDocument: 'after' },
    ).lean());
  if (found) return { _id: found._id, name: found.name };
  const made = await Artist.create({ name, nameKey: key });
  return { _id: made._id, name: made.name };
}

type AlbumRef = { _id: mongoose.Types.ObjectId; title: string; coverKey: string | null; created: boolean };

export async function upsertAlbum(t: TrackTags): Promise<{ album: AlbumRef; albumArtist: ArtistRef }> {
  const groupKey = albumGroupKey(t);
  const existing = await Album.findOne({ groupKey })
    .select({ title: 1, coverKey: 1, artistId: 1, artistName: 1 })
    .lean();
  if (existing)
    return {
      album: {
        _id: existing._id,
        title: existing.title,
        coverKey: existing.coverKey ?? null,
        created: false,
      },
      albumArtist: { _id: existing.artistId as mongoose.Types.ObjectId, name: existing.artistName },
    };
  const aaName = albumArtistOf(t);
  const aaMb = t.albumArtist
    ? (t.mbAlbumArtistIds[0] ?? null)
    : t.compilation
      ? null
      : (t.mbArtistIds[0] ?? null);
  const albumArtist = await upsertArtist(aaName, aaMb);
  const made = await Album.create({
    title: t.album,
    artistId: albumArtist._id,
    artistName: albumArtist.name,
    albumArtist: t.albumArtist ?? (t.compilation ? aaName : null),
    mbReleaseId: t.mbReleaseId,
    compilation: t.compilation,
    year: t.year,
    genre: t.genres[0] ?? null,
    groupKey,
  });
  return { album: { _id: made._id, title: made.title, coverKey: null, created: true }, albumArtist };
}

/** The song fields tags decide (shared by a new import, a re-tag and a browser upload). */
export function songTagFields(t: TrackTags, artist: ArtistRef, album: AlbumRef) {
  return {
    title: t.title,
    artistId: artist._id,
    artistName: artist.name,
    artistNames: t.artists,
    albumId: album._id,
    albumTitle: album.title,
    trackNumber: t.trackNumber,
    discNumber: t.discNumber,
    year: t.year,
    genre: t.genres[0] ?? null,
    genres: t.genres,
    lyrics: t.lyrics,
    mbRecordingId: t.mbRecordingId,
    replayGain: t.replayGain,
    ...(album.coverKey ? { coverKey: album.coverKey } : {}),
  };
}

let libraryChain: Promise<unknown> = Promise.resolve();
/**
 * Runs `fn` after every earlier caller's `fn` has settled (in this process): album and artist upserts
 * are find-then-create, so two linked at once could each create the same album.
 */
export function withLibraryLock<T>(fn: () => Promise<T>): Promise<T> {
  const run = libraryChain.then(fn, fn);
  libraryChain = run.catch(() => {});
  return run;
}

/** Artists and album of a track, created as needed. */
export async function linkTrack(t: TrackTags) {
  const { album, albumArtist } = await upsertAlbum(t);
  const first = t.artists[0] ?? albumArtistOf(t);
  const artist =
    nameKey(first) === nameKey(albumArtist.name) && !t.mbArtistIds[0]
      ? albumArtist
      : await upsertArtist(
          first,
          t.artists.length === t.mbArtistIds.length ? (t.mbArtistIds[0] ?? null) : null,
        );
  // Every credited artist exists as an entity (the first one is the song's artistId).
  for (const [i, name] of t.artists.entries())
    if (i > 0)
      await upsertArtist(name, t.artists.length === t.mbArtistIds.length ? (t.mbArtistIds[i] ?? null) : null);
  return { artist, album, albumArtist };
}

/** Disc and track counts of an album from its songs (and the tags' totals when larger). */
export async function refreshAlbumCounts(
  albumId: mongoose.Types.ObjectId,
  tagTotals?: { discs?: number | null },
) {
  const songs = await Song.find({ albumId }).select({ discNumber: 1 }).lean();
  const discs = Math.max(1, ...songs.map((s) => s.discNumber ?? 1), tagTotals?.discs ?? 1);
  await Album.updateOne({ _id: albumId }, { $set: { trackCount: songs.length, discCount: discs } });
}

/** Uploads an album's cover original and queues the cover job (which sets album.coverKey). */
export async function queueAlbumCover(
  media: MediaDeps,
  albumId: string,
  picture: EmbeddedPicture | { file: string },
): Promise<string | null> {
  let bytes: Uint8Array;
  let mime: string;
  if ('file' in picture) {
    const st = await stat(picture.file);
    if (st.size === 0 || st.size > MAX_COVER_BYTES) return null;
    const { readFile } = await import('node:fs/promises');
    bytes = await readFile(picture.file);
    mime = IMAGE_MIME[extname(picture.file).toLowerCase()] ?? 'image/jpeg';
  } else {
    if (picture.data.length > MAX_COVER_BYTES) return null;
    bytes = picture.data;
    mime = picture.mime;
  }
  const h = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const ext =
    mime
      .split('/')[1]
      ?.replace('jpeg', 'jpg')
      .replace(/[^a-z0-9]/g, '') || 'img';
  const key = `covers/source/album/${albumId}/${h}.${ext}`;
  await media.storage.putBytes(key, bytes, mime);
  try {
    await enqueueCover(media.queues, { kind: 'album', id: albumId }, key);
  } catch (e) {
    await media.storage.delete(key).catch(() => {});
    throw e;
  }
  return key;
}

/** Removes a song that never became playable, its S3 objects, and an album/artist it leaves empty. */
export async function removeSong(media: MediaDeps, songId: string): Promise<void> {
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song) return;
  await media.storage.deletePrefix(`uploads/${songId}/`);
  await media.storage.deletePrefix(`songs/${songId}/`);
  await Song.deleteOne({ _id: songId });
  if (song.albumId && !(await Song.exists({ albumId: song.albumId }))) {
    const album = await Album.findById(song.albumId).lean();
    await media.storage.deletePrefix(`covers/source/album/${song.albumId}/`);
    await media.storage.deletePrefix(`covers/album/${song.albumId}/`);
    await Album.deleteOne({ _id: song.albumId });
    if (album?.artistId) await removeArtistIfEmpty(album.artistId as mongoose.Types.ObjectId);
  }
  if (song.artistId) await removeArtistIfEmpty(song.artistId as mongoose.Types.ObjectId);
}

async function removeArtistIfEmpty(artistId: mongoose.Types.ObjectId) {
  if ((await Song.exists({ artistId })) || (await Album.exists({ artistId }))) return;
  await Artist.deleteOne({ _id: artistId, playCount: 0 });
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

// --- the run ----------------------------------------------------------------------------

export async function importLibrary(
  deps: Pick<CoreDeps, 'log'> & { media?: MediaDeps },
  paths: string[],
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const dryRun = opts.dryRun ?? false;
  const media = deps.media;
  if (!dryRun && !media) throw new Error('importLibrary needs media deps (S3 and the queues) unless dryRun');
  const startedAt = Date.now();
  const progress: ImportProgress = {
    phase: 'scanning',
    files: 0,
    scanned: 0,
    queued: 0,
    ready: 0,
    failed: 0,
    queuedSec: 0,
    readySec: 0,
    startedAt,
  };
  const tell = () => opts.onProgress?.({ ...progress });
  const summary: ImportSummary = {
    files: 0,
    audio: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
    duplicates: 0,
    skipped: [],
    albums: 0,
    artists: 0,
    durationSec: 0,
    moved: 0,
    ready: 0,
    failed: 0,
    dryRun,
    runId: null,
  };
  const run = dryRun ? null : await ImportRun.create({ paths: paths.map((p) => resolve(p)), source: 'cli' });
  summary.runId = run ? String(run._id) : null;
  const saveRun = async (extra: Record<string, unknown> = {}) => {
    if (!run) return;
    await ImportRun.updateOne(
      { _id: run._id },
      {
        $set: {
          files: summary.files,
          scanned: progress.scanned,
          audio: summary.audio,
          imported: summary.imported,
          updated: summary.updated,
          unchanged: summary.unchanged,
          duplicates: summary.duplicates,
          skipped: summary.skipped.length,
          queued: progress.queued,
          ready: progress.ready,
          failed: progress.failed,
          durationSec: Math.round(summary.durationSec),
          ...extra,
        },
      },
    ).catch((err: unknown) => deps.log.warn({ err }, 'could not update the import run'));
  };

  try {
    tell();
    const scan = await scanPaths(paths);
    if (opts.limit !== undefined) scan.files = scan.files.slice(0, Math.max(0, opts.limit));
    summary.files = scan.files.length;
    summary.skipped.push(...scan.skipped);
    progress.files = scan.files.length;
    progress.phase = 'reading';
    tell();
    await saveRun({ status: 'importing' });

    // 1. Read every file (hash, probe, tags), a few at a time.
    const read: (ReadFile | null)[] = new Array(scan.files.length).fill(null);
    await mapLimit(scan.files, opts.concurrency ?? 2, async (path, i) => {
      try {
        const st = await stat(path);
        if (st.size === 0) throw new SkipError('empty file (0 bytes)');
        const track = await readTrackFile(path, { maxDurationSec: media?.limits.maxDurationSec });
        if (media && st.size > media.limits.maxUploadBytes)
          throw new SkipError(
            `too large: ${st.size} bytes, over the ${media.limits.maxUploadBytes} byte limit`,
          );
        read[i] = { ...track, hash: await sha256File(path), size: st.size };
      } catch (e) {
        const reason =
          e instanceof SkipError
            ? e.message
            : errCode(e) === 'EACCES'
              ? 'unreadable file: permission denied'
              : `unreadable file: ${(e as Error).message}`;
        summary.skipped.push({ path, reason });
      }
      progress.scanned++;
      tell();
    });
    const tracks = read.filter((t): t is ReadFile => !!t);
    summary.audio = tracks.length;
    summary.durationSec = Math.round(tracks.reduce((s, t) => s + t.durationSec, 0) * 1000) / 1000;
    harmoniseFolders(tracks);

    const albumKeys = new Set<string>();
    const artistKeys = new Set<string>();
    for (const t of tracks) {
      albumKeys.add(albumGroupKey(t.tags));
      const mbs = t.tags.artists.length === t.tags.mbArtistIds.length ? t.tags.mbArtistIds : [];
      t.tags.artists.forEach((a, i) => {
        artistKeys.add(mbs[i] ? `mb:${mbs[i]}` : `n:${nameKey(a)}`);
      });
      artistKeys.add(`n:${nameKey(albumArtistOf(t.tags))}`);
    }
    summary.albums = albumKeys.size;
    // An artist known by MusicBrainz id and also by the same name counts once.
    summary.artists = artistKeys.size;

    // 2. Decide and write, one file at a time (album and artist upserts must not race).
    progress.phase = 'importing';
    tell();
    const seenHash = new Map<string, string>();
    const queued: { id: string; path: string; sec: number }[] = [];
    const coverDone = new Set<string>();
    const albumPictures = new Map<string, { picture: EmbeddedPicture | null; dir: string }>();
    for (const t of tracks) {
      const gk = albumGroupKey(t.tags);
      const cur = albumPictures.get(gk);
      if (!cur || (!cur.picture && t.tags.picture))
        albumPictures.set(gk, { picture: t.tags.picture, dir: dirname(t.path) });
    }
    const pathSeen = new Set(tracks.map((t) => t.path));

    for (const t of tracks) {
      const byHash = await Song.findOne({ contentHash: t.hash })
        .select({ sourcePath: 1, albumId: 1 })
        .lean<SongDoc>();
      // The file the library knows at this path is unchanged, even if a copy was met first this run.
      if (byHash && byHash.sourcePath === t.path) {
        summary.unchanged++;
        seenHash.set(t.hash, t.path);
        continue;
      }
      const firstSeen = seenHash.get(t.hash);
      if (firstSeen) {
        summary.duplicates++;
        summary.skipped.push({ path: t.path, reason: `duplicate of ${firstSeen}` });
        continue;
      }
      if (byHash) {
        const old = byHash.sourcePath;
        seenHash.set(t.hash, old && pathSeen.has(old) ? old : t.path);
        if (old && !pathSeen.has(old) && !(await exists(old))) {
          if (!dryRun) await Song.updateOne({ _id: byHash._id }, { $set: { sourcePath: t.path } });
          summary.updated++;
          summary.moved++;
          continue;
        }
        summary.duplicates++;
        summary.skipped.push({ path: t.path, reason: `duplicate of ${old ?? `song ${byHash._id}`}` });
        continue;
      }
      seenHash.set(t.hash, t.path);
      const byPath = await Song.findOne({ sourcePath: t.path })
        .select({ durationSec: 1, albumId: 1 })
        .lean<SongDoc>();
      if (byPath && Math.abs((byPath.durationSec ?? 0) - t.durationSec) < 1) {
        // Same file, new bytes, same audio length: the tags changed.
        if (!dryRun) {
          const { artist, album } = await linkTrack(t.tags);
          await Song.updateOne(
            { _id: byPath._id },
            { $set: { ...songTagFields(t.tags, artist, album), contentHash: t.hash } },
          );
          await refreshAlbumCounts(album._id);
          if (byPath.albumId && String(byPath.albumId) !== String(album._id))
            await refreshAlbumCounts(byPath.albumId as mongoose.Types.ObjectId);
        }
        summary.updated++;
        continue;
      }
      if (dryRun) {
        summary.imported++;
        continue;
      }
      // A new song: linked, stored, queued; undone completely if any step fails.
      const m = media as MediaDeps;
      let songId: string | null = null;
      try {
        const { artist, album } = await linkTrack(t.tags);
        const store = FORMAT_STORAGE[t.format];
        const song = new Song({
          ...songTagFields(t.tags, artist, album),
          durationSec: t.durationSec,
          uploaderId: opts.uploaderId ?? null,
          contentHash: t.hash,
          sourcePath: t.path,
          media: {
            status: 'uploaded',
            sourceBytes: t.size,
            sourceContentType: store.contentType,
            sourceCodec: t.codec,
            sourceSampleRate: t.sampleRate,
          },
        });
        songId = String(song._id);
        const sourceKey = `uploads/${songId}/source.${store.ext}`;
        song.set('media.sourceKey', sourceKey);
        await song.save();
        await m.storage.putFile(sourceKey, t.path, store.contentType);
        await Song.updateOne(
          { _id: song._id },
          { $set: { 'media.status': 'transcoding', 'media.progress': 0 } },
        );
        await m.queues.enqueue(
          Jobs.transcode,
          { songId, sourceKey },
          { jobId: `transcode-${songId}`, priority: opts.priority ?? IMPORT_PRIORITY },
        );
        await refreshAlbumCounts(album._id, { discs: t.tags.discTotal });
        summary.imported++;
        queued.push({ id: songId, path: t.path, sec: t.durationSec });
        progress.queued++;
        progress.queuedSec += t.durationSec;
        const albumId = String(album._id);
        if (!album.coverKey && !coverDone.has(albumId)) {
          coverDone.add(albumId);
          const pic = albumPictures.get(albumGroupKey(t.tags));
          const file = pickCover(scan.covers.get(pic?.dir ?? dirname(t.path)));
          const source = pic?.picture ?? (file ? { file } : null);
          if (source)
            await queueAlbumCover(m, albumId, source).catch((err: unknown) =>
              deps.log.warn({ err, albumId }, 'could not queue the album cover'),
            );
        }
      } catch (e) {
        if (songId) await removeSong(m, songId).catch(() => {});
        summary.skipped.push({
          path: t.path,
          reason: `could not import: ${(e as Error).message.slice(0, 200)}`,
        });
      }
      tell();
      if (progress.queued % 10 === 0) await saveRun();
    }
    await saveRun({ status: 'transcoding' });

    // 3. Wait for the transcodes; a failed one is removed with its objects and listed as skipped.
    if (!dryRun && (opts.wait ?? true) && queued.length) {
      progress.phase = 'transcoding';
      tell();
      const pending = new Map(queued.map((q) => [q.id, q]));
      const deadline = opts.waitTimeoutMs ? Date.now() + opts.waitTimeoutMs : Number.POSITIVE_INFINITY;
      while (pending.size && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        const rows = await Song.find({
          _id: mongoose.trusted({ $in: [...pending.keys()] }),
          'media.status': mongoose.trusted({ $in: ['ready', 'failed'] }),
        })
          .select({ 'media.status': 1, 'media.error': 1 })
          .lean<SongDoc[]>();
        for (const r of rows) {
          const q = pending.get(String(r._id));
          if (!q) continue;
          pending.delete(q.id);
          if (r.media?.status === 'ready') {
            progress.ready++;
            progress.readySec += q.sec;
          } else {
            progress.failed++;
            await removeSong(media as MediaDeps, q.id).catch(() => {});
            summary.imported--;
            summary.skipped.push({
              path: q.path,
              reason: `transcode failed: ${r.media?.error ?? 'unknown error'}`,
            });
          }
        }
        tell();
        if (rows.length) await saveRun();
      }
    }
    summary.ready = progress.ready;
    summary.failed = progress.failed;
    progress.phase = 'done';
    tell();
    await saveRun({ status: 'done', finishedAt: new Date() });
    return summary;
  } catch (e) {
    await saveRun({ status: 'failed', error: (e as Error).message.slice(0, 500), finishedAt: new Date() });
    throw e;
  }
}
