// The processors this worker process runs. Add a processor here once written.
import type { z } from 'zod';
import type { Processor } from './processor';

export const processors: Processor<z.ZodType>[] = [];
