// The search outbox: every write to a searchable field of a song, album or artist leaves a numbered
// entry (`search_outbox`, _id = a sequence from one counter document), and each server process's
// embedded index (packages/core/src/search/sync.ts) reads `_id > its position`. No wall-clock
// comparison decides what a reader sees, so a writer with a skewed clock, a retried write or a slow
// updateMany cannot be skipped.
//
// Protocol (no transactions: the dev stand-in has none):
//   1. before the catalog write, the writer takes sequence numbers ($inc on the counter) and inserts
//      its entries as `pending` (the ids it is about to change);
//   2. the catalog write runs;
//   3. the writer marks its entries `done`.
// A reader applies `done` entries at once (re-reading the ids from MongoDB, the source of truth).
// It waits for a `pending` entry or a missing number (a writer between steps), and after a timeout on
// its own clock settles it itself: a pending entry becomes `resolved` (and is applied: a writer that
// died after its catalog write is covered), a missing number gets a `void` tombstone (the unique _id
// decides the race: a late writer's insert then fails and it takes a fresh number). A writer whose
// entry a reader resolved before step 3 appends a new `done` entry, so a write that was still in
// flight is re-read. Only fields the index shows count (see SEARCH_FIELDS): plays ($inc playCount),
// likes and cover changes write nothing here.
import mongoose, { type Query, Schema } from 'mongoose';

export type SearchEntityKind = 'song' | 'album' | 'artist';

/** The paths whose change must reach the search index, per kind (a change below them counts). */
export const SEARCH_FIELDS: Record<SearchEntityKind, readonly string[]> = {
  song: ['title', 'artistId', 'artistName', 'albumId', 'albumTitle', 'media.status'],
  album: ['title', 'artistId', 'artistName'],
  artist: ['name'],
};

const SearchOutboxSchema = new Schema(
  {
    _id: { type: Number, required: true },
    kind: { type: String, enum: ['song', 'album', 'artist'], required: true },
    ids: { type: [String], default: [] },
    state: { type: String, enum: ['pending', 'done', 'resolved', 'void'], required: true },
    /** Writer's clock; only for trimming old entries (never for deciding what a reader sees). */
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
SearchOutboxSchema.index({ at: 1 });

/** One document (`_id: 'search'`): the last number handed out, and what readers have settled. */
const SearchSeqSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, default: 0 },
    /** Every number up to here is done, resolved or void (readers raise it with $max). */
    settledThrough: { type: Number, default: 0 },
    /** Entries up to here were deleted by the trim; a reader below it must reload. */
    trimmedThrough: { type: Number, default: 0 },
  },
  { versionKey: false },
);

export const SearchOutbox = mongoose.model('SearchOutbox', SearchOutboxSchema, 'search_outbox', {
  overwriteModels: true,
});
export const SearchSeq = mongoose.model('SearchSeq', SearchSeqSchema, 'search_seq', {
  overwriteModels: true,
});

export type SearchOutboxEntry = {
  _id: number;
  kind: SearchEntityKind;
  ids: string[];
  state: 'pending' | 'done' | 'resolved' | 'void';
  at: Date;
};

const SEQ_ID = 'search';
/** Ids per outbox entry (an updateMany over a large artist is split). */
export const OUTBOX_IDS_PER_ENTRY = 500;

function chunks(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += OUTBOX_IDS_PER_ENTRY) out.push(ids.slice(i, i + OUTBOX_IDS_PER_ENTRY));
  return out;
}

/** Takes n consecutive sequence numbers; returns the first. */
async function allocate(n: number): Promise<number> {
  const doc = await SearchSeq.findOneAndUpdate(
    { _id: SEQ_ID },
    { $inc: { seq: n } },
    { upsert: true, returnDocument: 'after', projection: { seq: 1 } },
  ).lean<{ seq: number }>();
  return doc!.seq - n + 1;
}

/** Inserts entries under fresh numbers; a number a reader voided meanwhile is taken again. */
async function insertEntries(kind: SearchEntityKind, groups: string[][], state: 'pending' | 'done') {
  const seqs: number[] = [];
  for (const ids of groups) {
    for (let attempt = 0; ; attempt++) {
      const seq = await allocate(1);
      try {
        await SearchOutbox.collection.insertOne({ _id: seq, kind, ids, state, at: new Date() } as never);
        seqs.push(seq);
        break;
      } catch (e) {
        if ((e as { code?: number }).code !== 11000 || attempt >= 5) throw e;
      }
    }
  }
  return seqs;
}

/** Step 1: announces ids about to change (before the catalog write). Returns the numbers taken. */
export async function openSearchChanges(kind: SearchEntityKind, ids: string[]): Promise<number[]> {
  const uniq = [...new Set(ids.map(String))];
  if (!uniq.length) return [];
  return insertEntries(kind, chunks(uniq), 'pending');
}

/**
 * Step 3: the catalog write is done. Entries a reader already resolved (it may have read before the
 * write landed) are announced again as done, under new numbers.
 */
export async function closeSearchChanges(kind: SearchEntityKind, seqs: number[], extraIds: string[] = []) {
  if (seqs.length) {
    const res = await SearchOutbox.updateMany(
      { _id: mongoose.trusted({ $in: seqs }), state: 'pending' },
      { $set: { state: 'done' } },
    );
    if (res.modifiedCount < seqs.length) {
      // A reader resolved these while the write ran: announce their ids again.
      const lost = await SearchOutbox.find(
        { _id: mongoose.trusted({ $in: seqs }), state: 'resolved' },
        { ids: 1 },
      ).lean();
      extraIds = [...extraIds, ...lost.flatMap((l) => l.ids)];
    }
  }
  const uniq = [...new Set(extraIds.map(String))];
  if (uniq.length) await insertEntries(kind, chunks(uniq), 'done');
}

/**
 * Announces ids changed by a write that bypassed the models' middleware (the raw driver, bulk
 * loaders): call after the write. Plays and other counter updates need nothing.
 */
export async function recordSearchChanges(kind: SearchEntityKind, ids: string[]): Promise<void> {
  await closeSearchChanges(kind, [], ids);
}

/** The highest number handed out and the readers' settled position (0 before any write). */
export async function searchOutboxHead(): Promise<{
  seq: number;
  settledThrough: number;
  trimmedThrough: number;
}> {
  const doc = await SearchSeq.findById(SEQ_ID).lean<{
    seq?: number;
    settledThrough?: number;
    trimmedThrough?: number;
  }>();
  return {
    seq: doc?.seq ?? 0,
    settledThrough: doc?.settledThrough ?? 0,
    trimmedThrough: doc?.trimmedThrough ?? 0,
  };
}

export async function raiseSettled(position: number): Promise<void> {
  await SearchSeq.updateOne({ _id: SEQ_ID }, { $max: { settledThrough: position } }, { upsert: true });
}

/**
 * Deletes settled entries older than retainMs (by the writer's `at`) and below the readers' settled
 * position; raises trimmedThrough first, so a reader left below it reloads instead of missing them.
 */
export async function trimSearchOutbox(retainMs: number): Promise<number> {
  const head = await searchOutboxHead();
  const last = await SearchOutbox.findOne(
    {
      _id: mongoose.trusted({ $lte: head.settledThrough }),
      at: mongoose.trusted({ $lt: new Date(Date.now() - retainMs) }),
    },
    { _id: 1 },
  )
    .sort({ _id: -1 })
    .lean();
  if (!last) return 0;
  await SearchSeq.updateOne({ _id: SEQ_ID }, { $max: { trimmedThrough: last._id } });
  const res = await SearchOutbox.deleteMany({ _id: mongoose.trusted({ $lte: last._id }) });
  return res.deletedCount;
}

// --- the middleware: every model write that touches SEARCH_FIELDS goes through the protocol ------

type Update = Record<string, unknown> | unknown[] | null | undefined;

/** The paths an update document (operators or a replacement) writes; null = everything. */
function updatedPaths(update: Update): string[] | null {
  if (!update) return [];
  if (Array.isArray(update)) return null; // an aggregation-pipeline update: anything may change
  const paths: string[] = [];
  for (const [k, v] of Object.entries(update)) {
    if (k.startsWith('$')) {
      if (v && typeof v === 'object') paths.push(...Object.keys(v as object));
      if (k === '$rename' && v && typeof v === 'object')
        paths.push(...Object.values(v as object).map(String));
    } else paths.push(k);
  }
  return paths;
}

const touches = (paths: string[] | null, watched: readonly string[]) =>
  paths === null ||
  paths.some((p) => watched.some((w) => p === w || p.startsWith(`${w}.`) || w.startsWith(`${p}.`)));

type Open = { seqs: number[]; ids: Set<string> };
const pendingOf = new WeakMap<object, Open>();
const pendingInserts = new Map<string, Open>();

async function open(kind: SearchEntityKind, ids: string[]): Promise<Open> {
  return { seqs: await openSearchChanges(kind, ids), ids: new Set(ids) };
}

/** Registers the outbox middleware on a catalog schema (call before the model is compiled). */
export function searchOutboxPlugin(schema: Schema, kind: SearchEntityKind): void {
  const watched = SEARCH_FIELDS[kind];

  schema.pre('save', async function () {
    const doc = this as unknown as mongoose.Document;
    if (doc.isNew || watched.some((p) => doc.isModified(p)))
      pendingOf.set(doc, await open(kind, [String(doc._id)]));
  });
  schema.post('save', async function () {
    const o = pendingOf.get(this);
    if (o) await closeSearchChanges(kind, o.seqs).catch(() => {});
  });

  schema.pre('insertMany', async (docs: unknown) => {
    const list = (Array.isArray(docs) ? docs : [docs]) as { _id?: unknown }[];
    if (!list.length) return;
    for (const d of list) d._id ??= new mongoose.Types.ObjectId();
    pendingInserts.set(
      String(list[0]!._id),
      await open(
        kind,
        list.map((d) => String(d._id)),
      ),
    );
  });
  schema.post('insertMany', async (docs: unknown) => {
    const list = (Array.isArray(docs) ? docs : [docs]) as { _id?: unknown }[];
    const key = list[0] ? String(list[0]._id) : '';
    const o = pendingInserts.get(key);
    if (!o) return;
    pendingInserts.delete(key);
    await closeSearchChanges(kind, o.seqs).catch(() => {});
  });

  const updates = ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace'] as const;
  const deletes = ['deleteOne', 'deleteMany', 'findOneAndDelete'] as const;
  for (const op of [...updates, ...deletes]) {
    schema.pre(op, { document: false, query: true }, async function (this: Query<unknown, unknown>) {
      const rewrites =
        (deletes as readonly string[]).includes(op) || op === 'replaceOne' || op === 'findOneAndReplace';
      if (!rewrites && !touches(updatedPaths(this.getUpdate() as Update), watched)) return;
      const rows = await this.model.find(this.getFilter(), { _id: 1 }).lean<{ _id: unknown }[]>();
      pendingOf.set(
        this,
        await open(
          kind,
          rows.map((r) => String(r._id)),
        ),
      );
    });
    schema.post(
      op,
      { document: false, query: true },
      async function (this: Query<unknown, unknown>, res: unknown) {
        const o = pendingOf.get(this);
        if (!o) return;
        // An upsert created a document the pre hook could not see.
        const r = res as { upsertedId?: unknown; _id?: unknown } | null;
        const created = r?.upsertedId ?? r?._id;
        const extra = created != null && !o.ids.has(String(created)) ? [String(created)] : [];
        // An upsert that returned nothing (returnDocument 'before' on an insert): find what it made.
        if (created == null && this.getOptions().upsert) {
          const now = await this.model.find(this.getFilter(), { _id: 1 }).lean<{ _id: unknown }[]>();
          for (const d of now) if (!o.ids.has(String(d._id))) extra.push(String(d._id));
        }
        await closeSearchChanges(kind, o.seqs, extra).catch(() => {});
      },
    );
  }
}
