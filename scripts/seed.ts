// Seeds the demo catalog into MONGODB_URI (from .data/services.env in dev): the generated catalog
// (size from `pnpm seed <songs>` or TONEARM_SEED_SONGS, default 200; seed from TONEARM_SEED), then the
// fixed skeleton songs the smoke tests rely on. Idempotent: ids are fixed by the seed. Every song the
// catalog marks ready carries one real ladder built by the pipeline (scripts/lib/seed-media.ts), so
// none is ready without audio. This synthetic catalog is for tests and benchmarks; scripts/run.sh
// serves the real demo library instead.
import { env } from '@tonearm/config';
import {
  connectDb,
  disconnectDb,
  generateCatalog,
  generatePlayLog,
  insertCatalog,
  insertPlayLog,
  seedSkeleton,
  syncIndexes,
} from '@tonearm/db';
import { ensureSeedMedia } from './lib/seed-media';

const cfg = env();
const songs = Number(process.argv[2] ?? cfg.TONEARM_SEED_SONGS);
if (!Number.isInteger(songs) || songs < 1 || songs > 1_000_000) throw new Error(`bad song count: ${songs}`);

await connectDb();
await syncIndexes();
const t0 = performance.now();
const catalog = generateCatalog({ seed: cfg.TONEARM_SEED, songs });
const media = await ensureSeedMedia();
const inserted = await insertCatalog(catalog, { media });
const skeleton = await seedSkeleton();
// Demo listeners with taste clusters, so "More like this" has plays to learn from (the worker's
// song-neighbors job computes neighbours on its first run).
const plays = await insertPlayLog(
  generatePlayLog(catalog, {
    seed: cfg.TONEARM_SEED,
    users: Math.min(500, Math.max(30, Math.round(songs / 10))),
  }),
);
console.log(
  `[seed] catalog of ${catalog.songs.length} songs, ${catalog.albums.length} albums, ${catalog.artists.length} artists ` +
    `(${inserted.songs} songs new) + skeleton ${skeleton.songs} songs + ${plays} demo plays in ${Math.round(performance.now() - t0)} ms`,
);
await disconnectDb();
