// The first admin, from the server host (issue 17). Needs shell access to the host, not the web:
//   pnpm admin create <email> [--handle h]   a verified admin account; prints a set-password link (24 h)
//   pnpm admin promote <email>               makes an existing account admin (its open sessions too)
// Reads MONGODB_URI / REDIS_URL like every Tonearm process (.data/services.env in dev).
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { hostCreateAdmin, hostPromote } from '@tonearm/core';
import { connectDb, disconnectDb, syncIndexes } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { isAppError, ZEmail } from '@tonearm/validators';

const [command, rawEmail, ...rest] = process.argv.slice(2);
const usage = 'usage: pnpm admin create <email> [--handle h] | pnpm admin promote <email>';
const email = ZEmail.safeParse(rawEmail ?? '');
if ((command !== 'create' && command !== 'promote') || !email.success) {
  console.error(usage);
  process.exit(2);
}
const handleAt = rest.indexOf('--handle');
const handle = handleAt >= 0 ? rest[handleAt + 1] : undefined;

const cfg = env();
await connectDb(cfg.MONGODB_URI);
await syncIndexes();
const redis = createRedis();
await whenReady(redis);
const log = createLogger('admin-cli', 'warn');
const deps = { redis, log, cache: new Cache(redis, { defaultTtlSeconds: cfg.CACHE_TTL_SECONDS }) };
let code = 0;
try {
  if (command === 'create') {
    const { user, link } = await hostCreateAdmin(deps, email.data, { handle });
    console.log(`created admin ${user.email} (@${user.handle})`);
    console.log(`set the password within 24 hours: ${link}`);
  } else {
    const user = await hostPromote(deps, email.data);
    console.log(`promoted ${user.email} (@${user.handle}) to admin`);
  }
} catch (e) {
  console.error(isAppError(e) ? e.message : e);
  code = 1;
} finally {
  redis.disconnect();
  await disconnectDb();
}
process.exit(code);
