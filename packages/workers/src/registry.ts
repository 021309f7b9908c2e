// The processors this worker process runs. Add a processor here once written.
import type { z } from 'zod';
import type { Processor } from './processor';
import { songNeighborsProcessor } from './processors/song-neighbors';

export const processors: Processor<z.ZodType>[] = [songNeighborsProcessor as unknown as Processor<z.ZodType>];
