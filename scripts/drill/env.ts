// Imported first by scripts/drill/index.ts (and ./context): the drills run their own set of services under .data/drill
// (Redis with AOF, MongoDB in an H2 file, versitygw), so restarting one neither loses the drill's data
// nor disturbs the dev services and tests of the worktree. Must run before anything reads the env.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@tonearm/config';

const dir = join(repoRoot(), '.data', 'drill');
process.env.TONEARM_DATA_DIR = dir;
process.env.TONEARM_SERVICES_ENV = join(dir, 'services.env');
process.env.TONEARM_REDIS_PERSIST = '1';
process.env.TONEARM_MONGO_PERSIST = '1';
for (const k of ['MONGODB_URI', 'REDIS_URL', 'S3_ENDPOINT']) delete process.env[k];

// Start (or reuse) the drill's services now, before any module loads .data/drill/services.env.
execFileSync('bash', [join(repoRoot(), 'scripts', 'services.sh'), 'up'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
