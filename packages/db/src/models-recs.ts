// Precomputed rows behind "More like this" and "For you" (packages/core/src/recommend.ts). The MongoDB
// dev stand-in ignores compound indexes, so every read on the serving path goes by _id or a
// single-field index: a listener's songs by `userId`, a song's listeners by `songId`, the rows touched
// since the neighbour job's last run by `updatedAt`.
import { type InferSchemaType, model, Schema, Types } from 'mongoose';

/** One row per (listener, song): how often and how lately they played it. Kept by every play report. */
const ListenerSongSchema = new Schema(
  {
    /** `${userId}:${songId}`: the upsert key of a play report. */
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    songId: { type: Schema.Types.ObjectId, ref: 'Song', required: true },
    plays: { type: Number, default: 0 },
    /** Latest play (startedAt). */
    last: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, _id: false },
);
ListenerSongSchema.index({ userId: 1 });
ListenerSongSchema.index({ songId: 1 });
ListenerSongSchema.index({ updatedAt: 1 });

export const ListenerSong = model('ListenerSong', ListenerSongSchema, 'listener_songs', {
  overwriteModels: true,
});
export type ListenerSongDoc = InferSchemaType<typeof ListenerSongSchema>;

export type Listen = { userId: Types.ObjectId | string; songId: Types.ObjectId | string; startedAt: Date };

/**
 * Folds plays into the listener rows: plays +1 and the latest play per (listener, song). Plays of the
 * same pair in one call are merged first, so a bulk load writes each row once.
 */
export async function recordListens(listens: Listen[], now = new Date()): Promise<void> {
  const merged = new Map<
    string,
    { userId: Types.ObjectId; songId: Types.ObjectId; plays: number; last: Date }
  >();
  for (const l of listens) {
    const key = `${l.userId}:${l.songId}`;
    const m = merged.get(key);
    if (m) {
      m.plays++;
      if (l.startedAt > m.last) m.last = l.startedAt;
    } else
      merged.set(key, {
        userId: new Types.ObjectId(String(l.userId)),
        songId: new Types.ObjectId(String(l.songId)),
        plays: 1,
        last: l.startedAt,
      });
  }
  const ops = [...merged.entries()].map(([_id, m]) => ({
    updateOne: {
      filter: { _id },
      update: {
        $inc: { plays: m.plays },
        $max: { last: m.last },
        $set: { updatedAt: now },
        $setOnInsert: { userId: m.userId, songId: m.songId },
      },
      upsert: true,
    },
  }));
  for (let i = 0; i < ops.length; i += 2_000)
    await ListenerSong.collection.bulkWrite(ops.slice(i, i + 2_000) as never, { ordered: false });
}
