// The processors this worker process runs. Add a processor here once written.
import type { Processor } from './processor';
import { albumLoudnessProcessor } from './processors/album-loudness';
import { coverProcessor } from './processors/cover';
import { emailProcessor } from './processors/email';
import { playArchiveProcessor } from './processors/play-archive';
import { songNeighborsProcessor } from './processors/song-neighbors';
import { statsProcessor } from './processors/stats';
import { transcodeFailedProcessor, transcodeProcessor } from './processors/transcode';
import { uploadSweepProcessor } from './processors/upload-sweep';

export const processors: readonly Processor[] = [
  transcodeProcessor,
  transcodeFailedProcessor,
  emailProcessor,
  statsProcessor,
  coverProcessor,
  songNeighborsProcessor,
  albumLoudnessProcessor,
  uploadSweepProcessor,
  playArchiveProcessor,
];
