// Album loudness for album-mode normalisation (issue 11): measured once from the sources of an album's
// tracks when the last of them is ready (the transcode job enqueues `albumLoudness` after publishing a
// song that belongs to an album). Idempotent: the album keeps a key of the tracks it was measured
// over, so a retried or duplicate job measures nothing twice; a track added later changes the key.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Album, type AlbumDoc, Song, type SongDoc } from '@tonearm/db';
import { measureAlbumLoudness } from '@tonearm/media';
import { Jobs } from '@tonearm/queue';
import type { MediaDeps } from './deps';

export type AlbumLoudnessOutcome =
  | { status: 'updated'; loudnessLufs: number | null; truePeakDb: number | null; tracks: number }
  | { status: 'unchanged' | 'pending' | 'skipped'; reason: string };

/** Enqueues the album measurement after `songId` (of `albumId`) was published at `hlsPrefix`. */
export async function enqueueAlbumLoudness(
  media: Pick<MediaDeps, 'queues'>,
  albumId: string,
  songId: string,
  hlsPrefix: string,
): Promise<void> {
  const version = hlsPrefix.split('/').filter(Boolean).at(-1) ?? 'v';
  await media.queues.enqueue(
    Jobs.albumLoudness,
    { albumId },
    // One job per published rendition of a track: a retried transcode job enqueues nothing new.
    { jobId: `album-loudness-${albumId}-${songId}-${version}` },
  );
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * Measures the album when every one of its tracks that has audio is ready; tracks without a source or
 * whose transcode failed are left out (they never play). Tracks are joined in album order.
 */
export async function updateAlbumLoudness(
  media: Pick<MediaDeps, 'storage'>,
  albumId: string,
): Promise<AlbumLoudnessOutcome> {
  const album = await Album.findById(albumId).lean<AlbumDoc & { loudnessKey?: string | null }>();
  if (!album) return { status: 'skipped', reason: 'album deleted' };
  const songs = await Song.find({ albumId })
    .sort({ discNumber: 1, trackNumber: 1, _id: 1 })
    .lean<SongDoc[]>();
  // A track with no source (a catalog entry without audio) or a failed transcode never plays: left out.
  const playable = songs.filter((s) => s.media?.sourceKey && s.media.status !== 'failed');
  const waiting = playable.filter((s) => s.media?.status !== 'ready' || !s.media.hlsPrefix);
  if (waiting.length > 0) return { status: 'pending', reason: `${waiting.length} track(s) not ready` };
  if (playable.length === 0) return { status: 'skipped', reason: 'no playable tracks' };
  const key = createHash('sha256')
    .update(playable.map((s) => `${String(s._id)}@${s.media!.hlsPrefix}`).join('\n'))
    .digest('hex')
    .slice(0, 32);
  if (album.loudnessKey === key) return { status: 'unchanged', reason: 'already measured over these tracks' };
  // ffmpeg reads local files only (docs/SECURITY.md): the sources are copied to disk first, each the
  // pinned object its finalize checked.
  const work = await mkdtemp(join(tmpdir(), `tonearm-album-${albumId}-`));
  let l: Awaited<ReturnType<typeof measureAlbumLoudness>>;
  try {
    const inputs: string[] = [];
    for (const [i, s] of playable.entries()) {
      const file = join(work, `track-${i}`);
      await media.storage.download(s.media!.sourceKey!, file, { ifMatch: s.media!.sourceEtag ?? undefined });
      inputs.push(file);
    }
    l = await measureAlbumLoudness(inputs);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const loudnessLufs = finite(l.integratedLufs);
  const truePeakDb = finite(l.truePeakDb);
  await Album.updateOne(
    { _id: albumId },
    {
      $set: {
        loudnessLufs,
        truePeakDb,
        loudnessRangeLu: finite(l.rangeLu),
        loudnessKey: key,
        loudnessTracks: playable.length,
      },
    },
  );
  return { status: 'updated', loudnessLufs, truePeakDb, tracks: playable.length };
}
