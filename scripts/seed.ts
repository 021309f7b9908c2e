// Seeds the demo catalog into MONGODB_URI (from .data/services.env in dev): the generated catalog
// (size from `pnpm seed <songs>` or TONEARM_SEED_SONGS, default 200; seed from TONEARM_SEED), then the
// fixed skeleton songs the smoke tests rely on. Idempotent: ids are fixed by the seed.
import { env } from '@tonearm/config';
import {
  connectDb,
  disconnectDb,
  generateCatalog,
  insertCatalog,
  seedSkeleton,
  syncIndexes,
} from '@tonearm/db';

const cfg = env();
const songs = Number(process.argv[2] ?? cfg.TONEARM_SEED_SONGS);
if (!Number.isInteger(songs) || songs < 1 || songs > 1_000_000) throw new Error(`bad song count: ${songs}`);

await connectDb();
await syncIndexes();
const t0 = performance.now();
const catalog = generateCatalog({ seed: cfg.TONEARM_SEED, songs });
const inserted = await insertCatalog(catalog);
const skeleton = await seedSkeleton();
console.log(
  `[seed] catalog of ${catalog.songs.length} songs, ${catalog.albums.length} albums, ${catalog.artists.length} artists ` +
    `(${inserted.songs} songs new) + skeleton ${skeleton.songs} songs in ${Math.round(performance.now() - t0)} ms`,
);
await disconnectDb();
