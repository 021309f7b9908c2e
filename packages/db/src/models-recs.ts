// Precomputed rows behind "More like this" and "For you" (packages/core/src/recommend.ts). The MongoDB
// dev stand-in implements no secondary index but unique ones (it logs "adding secondary index ... is
// not yet implemented. ignoring" for every other, compound or single-field), so every read on the
// serving path and in the incremental job goes by _id: a listener's songs (listener_index), a song's
// listeners (song_listeners), one (listener, song) row (listener_songs), the listeners with new plays
// since the job's last run (recs_dirty).
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

/** Per listener: every song they have played (first play order). */
const ListenerIndexSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    songs: { type: [Schema.Types.ObjectId], default: [] },
  },
  { versionKey: false, _id: false },
);
/** Per song: every listener who has played it. */
const SongListenersSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    users: { type: [Schema.Types.ObjectId], default: [] },
  },
  { versionKey: false, _id: false },
);
/** Listeners with plays the neighbour job has not folded in yet (it deletes what it processed). */
const RecsDirtySchema = new Schema(
  { _id: { type: Schema.Types.ObjectId, required: true }, at: { type: Date, required: true } },
  { versionKey: false, _id: false },
);
export const ListenerIndex = model('ListenerIndex', ListenerIndexSchema, 'listener_index', {
  overwriteModels: true,
});
export const SongListeners = model('SongListeners', SongListenersSchema, 'song_listeners', {
  overwriteModels: true,
});
export const RecsDirty = model('RecsDirty', RecsDirtySchema, 'recs_dirty', { overwriteModels: true });

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
  // Rows that do not exist yet are inserted in bulk (most of a bulk load); the rest are updated by _id.
  const entries = [...merged.entries()];
  const songsOf = new Map<string, Set<string>>();
  const usersOf = new Map<string, Set<string>>();
  for (const m of merged.values()) {
    const u = String(m.userId);
    const s = String(m.songId);
    songsOf.set(u, (songsOf.get(u) ?? new Set()).add(s));
    usersOf.set(s, (usersOf.get(s) ?? new Set()).add(u));
  }
  const addToSet = (map: Map<string, Set<string>>, field: string) =>
    [...map.entries()].map(([id, set]) => ({
      updateOne: {
        filter: { _id: new Types.ObjectId(id) },
        update: { $addToSet: { [field]: { $each: [...set].map((x) => new Types.ObjectId(x)) } } },
        upsert: true,
      },
    }));
  const writeAll = async (
    coll: { bulkWrite: (ops: never, o: object) => Promise<unknown> },
    ops: unknown[],
  ) => {
    for (let i = 0; i < ops.length; i += 2_000)
      await coll.bulkWrite(ops.slice(i, i + 2_000) as never, { ordered: false });
  };
  await writeAll(ListenerIndex.collection, addToSet(songsOf, 'songs'));
  await writeAll(SongListeners.collection, addToSet(usersOf, 'users'));
  await writeAll(
    RecsDirty.collection,
    [...songsOf.keys()].map((u) => ({
      updateOne: { filter: { _id: new Types.ObjectId(u) }, update: { $set: { at: now } }, upsert: true },
    })),
  );
  for (let i = 0; i < entries.length; i += 2_000) {
    const chunk = entries.slice(i, i + 2_000);
    const existing = new Set(
      (
        await ListenerSong.collection
          .find({ _id: { $in: chunk.map(([id]) => id) } } as never, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => String(d._id)),
    );
    const fresh = chunk.filter(([id]) => !existing.has(id));
    const raced: typeof chunk = [];
    if (fresh.length)
      await ListenerSong.collection
        .insertMany(
          fresh.map(([_id, m]) => ({
            _id,
            userId: m.userId,
            songId: m.songId,
            plays: m.plays,
            last: m.last,
            updatedAt: now,
          })) as never,
          { ordered: false },
        )
        .catch((e: { writeErrors?: { code?: number; index: number }[]; code?: number }) => {
          const errs = e.writeErrors ?? [];
          if (!errs.length || errs.some((w) => w.code !== 11000)) throw e;
          // Inserted meanwhile by another report: those take the update path.
          for (const w of errs) raced.push(fresh[w.index]!);
        });
    const update = [...chunk.filter(([id]) => existing.has(id)), ...raced];
    if (update.length)
      await ListenerSong.collection.bulkWrite(
        update.map(([_id, m]) => ({
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
        })) as never,
        { ordered: false },
      );
  }
}
