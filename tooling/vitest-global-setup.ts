// Makes sure the real services are up before any test file runs (a no-op when scripts/test.sh
// already started them) and exposes their URLs to the test workers.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export default function setup() {
  const root = join(import.meta.dirname, '..');
  if (
    !process.env.MONGODB_URI &&
    !existsSync(process.env.TONEARM_SERVICES_ENV ?? join(root, '.data', 'services.env'))
  ) {
    execFileSync('bash', [join(root, 'scripts', 'services.sh'), 'up'], { stdio: 'inherit' });
  }
}
