// The processors this worker process runs. Add a processor here once written.
import type { z } from 'zod';
import type { Processor } from './processor';
import { albumLoudnessProcessor } from './processors/album-loudness';
import { coverProcessor } from './processors/cover';
import { emailProcessor } from './processors/email';
import { playArchiveProcessor } from './processors/play-archive';
import { songNeighborsProcessor } from './processors/song-neighbors';
import { statsProcessor } from './processors/stats';
import { transcodeFailedProcessor, transcodeProcessor } from './processors/transcode';
import { uploadSweepProcessor } from './processors/upload-sweep';

export const processors: Processor<z.ZodType>[] = [
  transcodeProcessor as unknown as Processor<z.ZodType>,
  transcodeFailedProcessor as unknown as Processor<z.ZodType>,
  emailProcessor as unknown as Processor<z.ZodType>,
  statsProcessor as unknown as Processor<z.ZodType>,
  coverProcessor as unknown as Processor<z.ZodType>,
  songNeighborsProcessor as unknown as Processor<z.ZodType>,
  albumLoudnessProcessor as unknown as Processor<z.ZodType>,
  uploadSweepProcessor as unknown as Processor<z.ZodType>,
  playArchiveProcessor as unknown as Processor<z.ZodType>,
];
