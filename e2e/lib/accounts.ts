// Account changes the UI offers only to an admin, done on the suite's database for a setup step:
// promoting a person (the row and their live sessions, as the admin users page does). Loaded only
// by the specs that need it (fixtures' signedIn with role 'admin'), so others never open MongoDB.
import { createRedis, whenReady } from '@tonearm/cache';
import { setSessionsRole } from '@tonearm/core';
import { connectDb, disconnectDb, mongoose, User } from '@tonearm/db';
import type { TestUser } from '../fixtures';

export async function promoteToAdmin(user: Pick<TestUser, 'handle'>): Promise<void> {
  const wasConnected = mongoose.connection.readyState === 1;
  await connectDb();
  const redis = createRedis();
  try {
    await whenReady(redis); // the request-path client has no offline queue: a command before connect fails
    const u = await User.findOneAndUpdate({ handle: user.handle }, { $set: { role: 'admin' } }).lean();
    if (!u) throw new Error(`promoteToAdmin: no user @${user.handle}`);
    await setSessionsRole(redis, String(u._id), 'admin');
  } finally {
    redis.disconnect();
    if (!wasConnected) await disconnectDb();
  }
}
