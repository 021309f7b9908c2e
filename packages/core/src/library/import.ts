// Library import: the run. Scans the given folders and files (scan.ts), reads each file's format and
// tags, groups tracks into real albums and artists (link.ts, tags.ts), puts each new source in S3 like
// an upload and queues the existing transcode job below interactive uploads (BullMQ priority), feeds
// album covers to the cover job, and waits for the transcodes. Identity is the SHA-256 of the file's
// bytes, so a second run of the same folder changes nothing; a moved file is recognised by its hash, a
// re-tagged one by its path. Nothing is half-imported: a song whose source could not be stored or whose
// transcode failed is removed with its S3 objects (and an album or artist left empty by that) and
// listed under skipped.
// Why one file: the run's stages (read, group, store, queue, wait) share its progress record and
// summary; scanning, tag mapping and catalog linking are already in their own modules.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ImportRun, mongoose, Song, type SongDoc } from '@tonearm/db';
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
import type { MediaDeps } from '../media/deps';
import { linkTrack, queueAlbumCover, refreshAlbumCounts, removeSong, songTagFields } from './link';
import { errCode, exists, mapLimit, pickCover, type Skipped, scanPaths, sha256File } from './scan';
import { FORMAT_STORAGE, readTrackFile, SkipError, type TrackFile } from './tags';

/** BullMQ priority of an import's transcodes: uploads carry none, so they always go first. */
export const IMPORT_PRIORITY = 100;

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

type ReadFile = TrackFile & { hash: string; size: number };

/**
 * Tracks of one folder that share an album title belong together even where some lack the album
 * artist or the release id the others carry (a real library's mess): see harmoniseAlbumGroups.
 */
export function harmoniseFolders(tracks: { path: string; tags: TrackTags }[]): void {
  harmoniseAlbumGroups(tracks.map((t) => ({ folder: dirname(t.path), tags: t.tags })));
}

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
