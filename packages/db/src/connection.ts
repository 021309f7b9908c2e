// MongoDB connection for every process. Production points MONGODB_URI at a replica set or Atlas;
// dev and CI at the wire-compatible server scripts/services.sh starts. No stand-in special cases.

import { env } from '@tonearm/config';
import mongoose from 'mongoose';

mongoose.set('strictQuery', true);
// Queries never carry operators from user input: validators reject "$" keys, and this strips any left.
mongoose.set('sanitizeFilter', true);
mongoose.set('autoIndex', false);

export { mongoose };

let connecting: Promise<typeof mongoose> | undefined;

export async function connectDb(uri = env().MONGODB_URI): Promise<typeof mongoose> {
  if (mongoose.connection.readyState === 1) return mongoose;
  connecting ??= mongoose
    .connect(uri, {
      serverSelectionTimeoutMS: 5_000,
      maxPoolSize: 50,
      // mongo-java-server does not implement the "hello" handshake's compression negotiation
      // differently from MongoDB; defaults work on both.
    })
    .catch((e) => {
      connecting = undefined;
      throw e;
    });
  return connecting;
}

export async function disconnectDb(): Promise<void> {
  connecting = undefined;
  await mongoose.disconnect();
}

/** Creates every model's indexes; run at startup and by the seed script (autoIndex is off). */
export async function syncIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) await model.createIndexes();
  // Indexes a newer schema replaced. play_events' { eventId } unique index made eventIds global and
  // cannot exist on a collection sharded by { userId, startedAt } (models.ts has the new key).
  const legacy: [string, string][] = [
    ['play_events', 'eventId_1'],
    ['play_events', 'userId_1_startedAt_-1'],
  ];
  const db = mongoose.connection.db;
  if (!db) return;
  for (const [coll, name] of legacy) {
    const present = await db
      .collection(coll)
      .indexes()
      .catch(() => []);
    if (present.some((i) => i.name === name)) await db.collection(coll).dropIndex(name);
  }
}

/** The native driver's Db, for benchmarks and aggregation-heavy jobs. */
export function nativeDb() {
  const db = mongoose.connection.db;
  if (!db) throw new Error('MongoDB is not connected');
  return db;
}
