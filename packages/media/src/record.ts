// What the pipeline records about a transcoded song, in the shape the song document stores under
// `media` (and playback.start hands the player): one function, used by the transcode job when it
// publishes and by the gapless test fixtures, so the tests play exactly what the pipeline records.
import type { LadderResult } from './ladder';

export type RenditionRecord = {
  name: string;
  /** `aac` (AAC-LC rungs) or `flac` (the lossless rung of a lossless source). Older records: `aac`. */
  codec: 'aac' | 'flac';
  bitrateKbps: number;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  primingSamples: number;
  paddingSamples: number;
  frames: number;
  gaplessSource: 'elst' | 'metadata';
  /** Media playlist, relative to the ladder's prefix (e.g. `128k/index.m3u8`). */
  playlist: string;
};

export type SongMediaRecord = {
  renditions: RenditionRecord[];
  sampleRate: number;
  /** Exact sample count of the decoded source: where the track ends, to the sample. */
  sourceSamples: number;
  loudnessLufs: number | null;
  truePeakDb: number | null;
  loudnessRangeLu: number | null;
};

const finite = (x: number) => (Number.isFinite(x) ? x : null);

export function songMediaRecord(ladder: LadderResult): SongMediaRecord {
  return {
    renditions: ladder.renditions.map((r) => ({
      name: r.name,
      codec: r.codec,
      bitrateKbps: r.bitrateKbps,
      bandwidth: r.bandwidth,
      averageBandwidth: r.averageBandwidth,
      codecs: r.codecs,
      primingSamples: r.primingSamples,
      paddingSamples: r.paddingSamples,
      frames: r.frames,
      gaplessSource: r.gaplessSource,
      playlist: r.playlist,
    })),
    sampleRate: ladder.sampleRate,
    sourceSamples: ladder.sourceSamples,
    loudnessLufs: finite(ladder.loudness.integratedLufs),
    truePeakDb: finite(ladder.loudness.truePeakDb),
    loudnessRangeLu: finite(ladder.loudness.rangeLu),
  };
}
