// Reads the optional catalog fields the import and uploads fill from tags (year/genres/lyrics on songs,
// albumArtist and counts on albums, MusicBrainz ids, ReplayGain) defensively: rows written before a
// field existed, or from files without that tag, lack it, and the Subsonic shapes then omit it.
type Loose = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export type ReplayGain = { trackGain?: number; trackPeak?: number; albumGain?: number; albumPeak?: number };

export const songFields = (s: object) => {
  const x = s as Loose;
  const genres = Array.isArray(x.genres) ? (x.genres as unknown[]).filter((g): g is string => !!str(g)) : [];
  const rg = (x.replayGain ?? null) as Loose | null;
  return {
    year: num(x.year),
    genres: genres.length ? genres : str(x.genre) ? [x.genre as string] : [],
    lyrics: str(x.lyrics),
    mbRecordingId: str(x.mbRecordingId),
    // Only when the file carried ReplayGain: an empty object would differ between JSON and XML.
    replayGain:
      rg && [rg.trackGainDb, rg.trackPeak, rg.albumGainDb, rg.albumPeak].some((v) => num(v) !== null)
        ? ({
            trackGain: num(rg.trackGainDb) ?? undefined,
            trackPeak: num(rg.trackPeak) ?? undefined,
            albumGain: num(rg.albumGainDb) ?? undefined,
            albumPeak: num(rg.albumPeak) ?? undefined,
          } satisfies ReplayGain)
        : null,
  };
};

export const albumFields = (a: object) => {
  const x = a as Loose;
  return {
    year: num(x.year),
    genre: str(x.genre),
    mbReleaseId: str(x.mbReleaseId),
    compilation: x.compilation === true,
    albumArtist: str(x.albumArtist),
  };
};

export const artistFields = (a: object) => ({ mbArtistId: str((a as Loose).mbArtistId) });
