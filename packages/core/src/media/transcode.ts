// The transcode job's work: source in S3 → HLS ladder in a fresh, versioned prefix (the staging area)
// → verified in S3 → published by one update of the song document. Safe to retry at any point: a new
// attempt first deletes every unpublished prefix of the song (left by a killed worker), and a song
// already ready is left alone. The final failed attempt marks the song failed and deletes its objects.
import { mkdir, mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mongoose, Song, type SongDoc } from '@tonearm/db';
import {
  type AacCoder,
  durationLimitSec,
  type LadderResult,
  LOSSLESS_CODECS,
  PCM,
  songMediaRecord,
  transcodeLadder,
  uploadDir,
  verifyStoredLadder,
} from '@tonearm/media';
import type { Logger } from '@tonearm/observability';
import { enqueueAlbumLoudness } from './album-loudness';
import type { MediaDeps, TranscodeEvent } from './deps';

export type TranscodeAttempt = {
  /** BullMQ attempts already made before this one. */
  attemptsMade: number;
  /** True when no retry follows a failure of this attempt. */
  isFinal: boolean;
  log: Logger;
  coder?: AacCoder;
  processes?: number;
};

export type TranscodeOutcome =
  | { status: 'ready'; hlsPrefix: string; ladder: LadderResult | null }
  | { status: 'skipped'; reason: string };

// sanitizeFilter strips operators from filters unless marked trusted: this one is ours, not user input.
const notReady = () => mongoose.trusted({ $ne: 'ready' }) as { $ne: 'ready' };

const unsettled = () => mongoose.trusted({ $nin: ['ready', 'failed'] }) as { $nin: ('ready' | 'failed')[] };

export const hlsRoot = (songId: string) => `songs/${songId}/hls/`;

function throttled(fn: (p: number) => void, minMs = 1000, minDelta = 0.05) {
  let lastAt = 0;
  let last = -1;
  return (p: number) => {
    const now = Date.now();
    if (p < 1 && now - lastAt < minMs && p - last < minDelta) return;
    lastAt = now;
    last = p;
    fn(p);
  };
}

/** Bytes of PCM the decode writes for `sec` seconds (a 2 h bound when the duration is unknown). */
export function pcmBytes(sec = 2 * 3600): number {
  return Math.ceil(sec * PCM.sampleRate) * PCM.bytesPerFrame;
}

/** Refuses to start when the work directory's disk lacks `bytes` (plus the ladder, about a fifth more). */
export async function ensureFreeSpace(dir: string, bytes: number): Promise<void> {
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const need = Math.ceil(bytes * 1.2) + 64 * 1024 * 1024;
  if (free < need)
    throw new Error(
      `not enough free disk space for the transcode: ${Math.round(free / 1e6)} MB free, ${Math.round(need / 1e6)} MB needed`,
    );
}

export async function runTranscode(
  media: MediaDeps,
  payload: { songId: string; sourceKey: string },
  attempt: TranscodeAttempt,
): Promise<TranscodeOutcome> {
  const { songId, sourceKey } = payload;
  const log = attempt.log;
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song) return { status: 'skipped', reason: 'song deleted' };
  const uploader = song.uploaderId ? String(song.uploaderId) : null;
  // Every event follows a write to the song: readers of song.byId must see it, not a cached copy.
  const emit = (e: Omit<TranscodeEvent, 'songId'>) => {
    void media.invalidateSong?.(songId).catch(() => {});
    if (uploader) media.notify?.(uploader, { songId, ...e });
  };
  if (song.media?.status === 'ready' && song.media.hlsPrefix)
    return { status: 'ready', hlsPrefix: song.media.hlsPrefix, ladder: null };
  if (song.media?.status === 'failed') return { status: 'skipped', reason: 'song already failed' };

  // Whatever an earlier, killed attempt left is unpublished (the song is not ready): remove it.
  for (const p of await media.storage.listPrefixes(hlsRoot(songId))) {
    const n = await media.storage.deletePrefix(p);
    log.info({ prefix: p, objects: n }, 'removed an unpublished ladder from an earlier attempt');
  }
  const version = `v${Date.now().toString(36)}${attempt.attemptsMade}`;
  const prefix = `${hlsRoot(songId)}${version}/`;
  await Song.updateOne(
    { _id: songId, 'media.status': notReady() },
    {
      $set: {
        'media.status': 'transcoding',
        'media.progress': 0,
        'media.jobAttempt': attempt.attemptsMade + 1,
      },
    },
  );
  emit({ status: 'transcoding', progress: 0 });

  const report = throttled((p: number) => {
    const progress = Math.round(p * 1000) / 1000;
    void Song.updateOne(
      { _id: songId, 'media.status': 'transcoding' },
      { $set: { 'media.progress': progress } },
    ).catch(() => {});
    emit({ status: 'transcoding', progress });
  });

  const work = await mkdtemp(join(tmpdir(), `tonearm-transcode-${songId}-`));
  try {
    const out = join(work, 'hls');
    await mkdir(out);
    // The worker reads only the source finalize pinned and checked (If-Match its ETag), from local disk,
    // and decodes no more than its checked duration plus a margin (docs/SECURITY.md).
    const pinnedKey = song.media?.sourceEtag ? (song.media.sourceKey ?? sourceKey) : sourceKey;
    const maxDurationSec = song.durationSec ? durationLimitSec(song.durationSec) : undefined;
    await ensureFreeSpace(work, (song.media?.sourceBytes ?? 0) + pcmBytes(maxDurationSec));
    const source = join(work, 'source');
    await media.storage.download(pinnedKey, source, { ifMatch: song.media?.sourceEtag ?? undefined });
    // Lossless sources (the probed codec recorded at finalize) get the FLAC rung; a known lossy codec
    // skips the probe, and an unknown one (older songs) is probed by the ladder.
    const codec = song.media?.sourceCodec;
    const ladder = await transcodeLadder(source, out, work, {
      maxDurationSec,
      coder: attempt.coder,
      processes: attempt.processes,
      lossless: codec && !LOSSLESS_CODECS.has(codec) ? false : 'auto',
      onProgress: (f) => report(f * 0.85),
    });
    await uploadDir(media.storage, out, prefix, (f) => report(0.85 + f * 0.1));
    const verified = await verifyStoredLadder(media.storage, prefix);
    log.info(
      { prefix, ...verified, timings: ladder.timings, lossless: ladder.lossless },
      'ladder verified in storage',
    );

    // Publish: one single-document update flips the song to ready with everything the player needs
    // (songMediaRecord: the same record the gapless tests' fixtures are built from). Never over
    // `failed`: a song given up on (abandonTranscode) stays failed even if a zombie attempt of a
    // stalled job finishes later; its ladder is then surplus and deleted below.
    const record = songMediaRecord(ladder);
    const published = await Song.updateOne(
      { _id: songId, 'media.status': unsettled() },
      {
        $set: {
          durationSec: Math.round(ladder.durationSec * 1000) / 1000,
          'media.status': 'ready',
          'media.hlsPrefix': prefix,
          'media.renditions': record.renditions,
          'media.sampleRate': record.sampleRate,
          'media.sourceSamples': record.sourceSamples,
          'media.loudnessLufs': record.loudnessLufs,
          'media.truePeakDb': record.truePeakDb,
          'media.loudnessRangeLu': record.loudnessRangeLu,
          'media.progress': 1,
          'media.error': null,
          'media.readyAt': new Date(),
        },
      },
    );
    if (published.matchedCount === 0) {
      // Another attempt published first (a stalled job ran twice), or the song was given up on: ours is surplus.
      await media.storage.deletePrefix(prefix);
      const now = await Song.findById(songId).lean<SongDoc>();
      return { status: 'ready', hlsPrefix: now?.media?.hlsPrefix ?? '', ladder: null };
    }
    emit({ status: 'ready', progress: 1 });
    // Album loudness is measured over all the album's tracks once they are ready (a job of its own:
    // a failure there must not fail the published song).
    if (song.albumId)
      await enqueueAlbumLoudness(media, String(song.albumId), songId, prefix).catch((err: unknown) =>
        log.warn({ err, albumId: String(song.albumId) }, 'could not enqueue the album loudness job'),
      );
    return { status: 'ready', hlsPrefix: prefix, ladder };
  } catch (err) {
    await media.storage.deletePrefix(prefix).catch(() => 0);
    const reason = (err as Error).message.split('\n')[0]?.slice(0, 500) ?? 'transcode failed';
    if (attempt.isFinal) {
      await Song.updateOne(
        { _id: songId, 'media.status': notReady() },
        { $set: { 'media.status': 'failed', 'media.error': reason } },
      );
      emit({ status: 'failed', progress: 0, error: reason });
    }
    throw err;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Gives up on a song's transcode for good: marks it failed with the reason (unless it is already
 * ready) and deletes every unpublished ladder under its prefix. Runs when the job failed past its
 * retries by any path the job body cannot see — BullMQ failing a job that stalled more often than it
 * allows (its worker killed twice), an attempt that died before its own catch, or cleanup that could
 * not reach S3 — through the transcode.failed job, retried until MongoDB and S3 answer. Idempotent.
 */
export async function abandonTranscode(
  media: MediaDeps,
  songId: string,
  reason: string,
  log?: Logger,
): Promise<{ status: string; removedObjects: number }> {
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song) return { status: 'deleted', removedObjects: 0 };
  if (song.media?.status !== 'ready') {
    const res = await Song.updateOne(
      { _id: songId, 'media.status': notReady() },
      { $set: { 'media.status': 'failed', 'media.error': reason.slice(0, 500) } },
    );
    if (res.modifiedCount > 0 || song.media?.status !== 'failed') {
      void media.invalidateSong?.(songId).catch(() => {});
      if (song.uploaderId)
        media.notify?.(String(song.uploaderId), { songId, status: 'failed', progress: 0, error: reason });
    }
  }
  // Re-read: only a song that is not ready has nothing published to keep.
  const now = await Song.findById(songId).lean<SongDoc>();
  const keep = now?.media?.status === 'ready' ? now.media.hlsPrefix : null;
  let removed = 0;
  for (const p of await media.storage.listPrefixes(hlsRoot(songId))) {
    if (p === keep) continue;
    removed += await media.storage.deletePrefix(p);
  }
  if (removed)
    log?.info({ songId, objects: removed }, 'removed unpublished ladders of an abandoned transcode');
  return { status: now?.media?.status ?? 'unknown', removedObjects: removed };
}
