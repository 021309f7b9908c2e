// The processors this worker process runs. Add a processor here once written.
import type { z } from 'zod';
import type { Processor } from './processor';
import { transcodeProcessor } from './processors/transcode';

export const processors: Processor<z.ZodType>[] = [transcodeProcessor as Processor<z.ZodType>];
