// What the pipeline records about a transcoded song, in the shape the song document stores under
// `media` (and playback.start hands the player): one function, used by the transcode job when it
// publishes and by the gapless test fixtures, so the tests play exactly what the pipeline records.
// The record's shape is ZRendition in @tonearm/validators/media (one contract for db, API, player).
import type { RenditionRecord } from '@tonearm/validators';
import type { LadderResult } from './ladder';

export type { RenditionRecord };

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
