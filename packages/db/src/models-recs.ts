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
    /**
     * The eventIds of the row's latest LISTEN_GUARD plays (recordListen): a retried report of one of
     * them is not counted again.
     */
    events: { type: [String], default: undefined },
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
/**
 * Listeners with new (listener, song) pairs the neighbour job has not folded in yet (it deletes what it
 * processed): `added` holds the songs they played for the first time. A replay of a song already in
 * their history changes no co-occurrence and marks nothing.
 */
const RecsDirtySchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    added: { type: [Schema.Types.ObjectId], default: undefined },
  },
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
 * Folds plays into the listener rows in bulk (generated play logs, the demo, benches): plays +1 and the
 * latest play per (listener, song). Plays of the same pair in one call are merged first, so a bulk load
 * writes each row once. Not idempotent: a play report goes through recordListen.
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
    const added = new Map<string, Types.ObjectId[]>();
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
    // New pairs (not the raced ones, inserted by another report): the neighbour job's work list.
    const lost = new Set(raced.map(([id]) => id));
    for (const [id, m] of fresh) {
      if (lost.has(id)) continue;
      const list = added.get(String(m.userId)) ?? [];
      list.push(m.songId);
      added.set(String(m.userId), list);
    }
    await writeAll(
      RecsDirty.collection,
      [...added.entries()].map(([u, songs]) => ({
        updateOne: {
          filter: { _id: new Types.ObjectId(u) },
          update: { $set: { at: now }, $addToSet: { added: { $each: songs } } },
          upsert: true,
        },
      })),
    );
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

/** Guard tokens kept per (listener, song) row (the eventIds of its latest plays). */
export const LISTEN_GUARD = 64;

type ListenRow = { plays?: number; events?: string[] };

/**
 * One reported play folded into the listener rows, idempotent per eventId: a retried report (the
 * same eventId) is not counted twice as long as it is one of the row's latest LISTEN_GUARD plays, and
 * every step is safe to redo, so reportPlay calls it on duplicates too and a report that died half-way
 * is completed by its retry. Steps: the song joins the listener's index and the listener the song's
 * (sets); the (listener, song) row gets plays +1 and the latest play, guarded by the eventId pushed in
 * the same single-document update; a first play of the pair (plays = 1 after this event) marks the
 * listener for the neighbour job with the song (a set, so redoing it is harmless).
 */
export async function recordListen(
  l: Listen & { eventId: string },
  now = new Date(),
): Promise<{ applied: boolean; firstPlay: boolean }> {
  const userId = new Types.ObjectId(String(l.userId));
  const songId = new Types.ObjectId(String(l.songId));
  const _id = `${userId}:${songId}`;
  const sets = Promise.all([
    ListenerIndex.collection.updateOne({ _id: userId }, { $addToSet: { songs: songId } }, { upsert: true }),
    SongListeners.collection.updateOne({ _id: songId }, { $addToSet: { users: userId } }, { upsert: true }),
  ]);
  const rows = ListenerSong.collection as unknown as {
    findOneAndUpdate: (f: object, u: object, o: object) => Promise<ListenRow | null>;
    findOne: (f: object, o: object) => Promise<ListenRow | null>;
  };
  const filter = { _id, events: { $ne: l.eventId } };
  const update = {
    $inc: { plays: 1 },
    $max: { last: l.startedAt },
    $set: { updatedAt: now },
    $setOnInsert: { userId, songId },
    $push: { events: { $each: [l.eventId], $slice: -LISTEN_GUARD } },
  };
  const projection = { plays: 1, events: 1 };
  let row: ListenRow | null;
  try {
    row = await rows.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after', projection });
  } catch (e) {
    // The row exists and holds this eventId (the guard made the upsert try an insert), or two first
    // plays of the pair raced on the insert: the guarded update decides.
    if ((e as { code?: number }).code !== 11000) throw e;
    row = await rows.findOneAndUpdate(filter, update, { returnDocument: 'after', projection });
  }
  const applied = row !== null;
  if (!row) row = await rows.findOne({ _id }, { projection });
  const firstPlay = row?.plays === 1 && (row.events ?? []).includes(l.eventId);
  if (firstPlay)
    await RecsDirty.collection.updateOne(
      { _id: userId },
      { $set: { at: now }, $addToSet: { added: songId } },
      { upsert: true },
    );
  await sets;
  return { applied, firstPlay };
}
