// playback.start: checks the song is ready and hands out one CloudFront signature for its published
// HLS prefix (as signed cookies and as signed-URL parameters), with what the player needs for loudness
// normalisation and gapless cuts.
import { Album, type AlbumDoc, Song, type SongDoc } from '@tonearm/db';
import { AppError, type PlaybackGrantDto } from '@tonearm/validators';
import { type CoreDeps, requireMedia } from '../deps';

export type { PlaybackGrantDto };

export async function startPlayback(deps: CoreDeps, songId: string): Promise<PlaybackGrantDto> {
  const media = requireMedia(deps);
  const signer = media.signer;
  if (!signer) throw new AppError('SERVICE_UNAVAILABLE', { message: 'Media signing is not configured' });
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song) throw AppError.notFound('Song');
  const m = song.media;
  if (m?.status !== 'ready' || !m.hlsPrefix) {
    const status = m?.status ?? 'uploaded';
    const why: Record<string, string> = {
      uploaded: 'its audio has not been uploaded',
      transcoding: 'it is still being prepared for streaming; try again in a minute',
      failed: 'its audio could not be prepared for streaming',
    };
    throw AppError.conflict(`This song cannot be played: ${why[status] ?? 'it has no audio'}`, { status });
  }
  const album = song.albumId
    ? await Album.findById(song.albumId, { loudnessLufs: 1, truePeakDb: 1 }).lean<AlbumDoc>()
    : null;
  const durationSec = song.durationSec ?? 0;
  // Short-lived: the track's length plus slack for pauses; a new play signs again.
  const ttl = Math.ceil(durationSec) + (media.grantSlackSec ?? 1800);
  const grant = signer.grantPrefix(m.hlsPrefix, ttl);
  const path = new URL(signer.urlOf(m.hlsPrefix)).pathname;
  return {
    songId,
    masterUrl: signer.urlOf(`${m.hlsPrefix}master.m3u8`),
    signedQuery: grant.query,
    cookies: Object.entries(grant.cookies).map(([name, value]) => ({ name, value, path, maxAgeSec: ttl })),
    expiresAt: grant.expiresAt,
    durationSec,
    loudness: {
      integratedLufs: m.loudnessLufs ?? null,
      truePeakDb: m.truePeakDb ?? null,
      rangeLu: m.loudnessRangeLu ?? null,
    },
    album: album
      ? {
          id: String(album._id),
          loudnessLufs: album.loudnessLufs ?? null,
          truePeakDb: album.truePeakDb ?? null,
        }
      : null,
    gapless: {
      sampleRate: m.sampleRate ?? 44_100,
      sourceSamples: m.sourceSamples ?? 0,
      renditions: (m.renditions ?? []).map((r) => ({
        name: r.name,
        codec: (r.codec === 'flac' ? 'flac' : 'aac') as 'aac' | 'flac',
        bitrateKbps: r.bitrateKbps,
        bandwidth: r.bandwidth,
        averageBandwidth: r.averageBandwidth,
        codecs: r.codecs,
        primingSamples: r.primingSamples ?? 0,
        paddingSamples: r.paddingSamples ?? 0,
        frames: r.frames ?? 0,
        gaplessSource: (r.gaplessSource ?? 'metadata') as 'elst' | 'metadata',
        playlist: r.playlist ?? `${r.name}/index.m3u8`,
      })),
    },
  };
}

/** Set-Cookie header values for a grant (host-only cookies, path-scoped to the song's prefix). */
export function grantCookieHeaders(grant: PlaybackGrantDto, secure: boolean): string[] {
  return grant.cookies.map(
    (c) =>
      `${c.name}=${c.value}; Path=${c.path}; Max-Age=${c.maxAgeSec}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
  );
}
