// Seeds the demo catalog into MONGODB_URI (from .data/services.env in dev).
import { connectDb, disconnectDb, seedSkeleton, syncIndexes } from '@tonearm/db';

await connectDb();
await syncIndexes();
const result = await seedSkeleton();
console.log(`[seed] ${result.songs} songs, ${result.albums} albums, ${result.artists} artists`);
await disconnectDb();
