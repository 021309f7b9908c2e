// Who may see whose listening activity: a viewer sees a user's activity only if the viewer follows
// them (with "approved" visibility every follow was accepted), neither has blocked the other, and the
// user's visibility is not "nobody" (isActivityPrivate, kept in step by people.ts setPrivacy). Privacy (private session, sticky isActivityPrivate) is
// applied by the presence store and the feed. Edit here when the visibility rules change.
import { Block, Follow, mongoose, User } from '@tonearm/db';
import { AppError } from '@tonearm/validators';
import { Types } from 'mongoose';

// sanitizeFilter is on: operators built here from validated ids are marked trusted.
const { trusted } = mongoose;

/** Bound on the audience rooms one socket joins; beyond it the feed query still works. */
export const MAX_LIVE_FOLLOWEES = 2_000;

const isId = (s: string) => /^[a-f0-9]{24}$/.test(s);

/** Users who blocked userId or whom userId blocked. */
export async function blockedPeers(userId: string): Promise<string[]> {
  const id = new Types.ObjectId(userId);
  const docs = await Block.find(trusted({ $or: [{ blockerId: id }, { blockedId: id }] }), {
    blockerId: 1,
    blockedId: 1,
  })
    .limit(10_000)
    .lean();
  const out = new Set<string>();
  for (const d of docs) out.add(String(d.blockerId) === userId ? String(d.blockedId) : String(d.blockerId));
  return [...out];
}

/** Followees whose activity viewerId may see, newest follow first. */
export async function visibleFollowees(viewerId: string, limit = MAX_LIVE_FOLLOWEES): Promise<string[]> {
  return (await socialGraphOf(viewerId, limit)).followees;
}

/** Both at once (a socket's handshake needs both): visible followees and block peers. */
export async function socialGraphOf(
  viewerId: string,
  limit = MAX_LIVE_FOLLOWEES,
): Promise<{ followees: string[]; blocked: string[] }> {
  const [follows, blocked] = await Promise.all([
    Follow.find({ followerId: new Types.ObjectId(viewerId) }, { followeeId: 1 })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean(),
    blockedPeers(viewerId),
  ]);
  const hidden = new Set(blocked);
  const ids = follows.map((f) => String(f.followeeId)).filter((id) => !hidden.has(id));
  // Followees who show their listening to nobody are not in the feed at all (privacy, issue 17).
  const nobody = new Set(await privateAmong(ids));
  return { followees: ids.filter((id) => !nobody.has(id)), blocked };
}

/** Throws unless viewerId may watch targetId's activity live. */
export async function assertCanWatch(viewerId: string, targetId: string): Promise<void> {
  if (!isId(targetId) || viewerId === targetId) throw AppError.forbidden('Not a followee');
  const viewer = new Types.ObjectId(viewerId);
  const target = new Types.ObjectId(targetId);
  const [follows, blocked, hidden] = await Promise.all([
    Follow.exists({ followerId: viewer, followeeId: target }),
    Block.exists(
      trusted({
        $or: [
          { blockerId: viewer, blockedId: target },
          { blockerId: target, blockedId: viewer },
        ],
      }),
    ),
    isActivityPrivate(targetId),
  ]);
  // One message for every case: a blocked viewer must not learn that they are blocked.
  if (!follows || blocked || hidden)
    throw AppError.forbidden('You can only follow the activity of people you follow');
}

/** The sticky "hide my activity" account setting. */
export async function isActivityPrivate(userId: string): Promise<boolean> {
  const u = await User.findById(userId, { isActivityPrivate: 1 }).lean();
  return Boolean(u?.isActivityPrivate);
}

/** Which of these users have the sticky private setting on (one query). */
export async function privateAmong(userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const docs = await User.find(
    { _id: trusted({ $in: userIds.map((id) => new Types.ObjectId(id)) }), isActivityPrivate: true },
    { _id: 1 },
  ).lean();
  return docs.map((d) => String(d._id));
}
