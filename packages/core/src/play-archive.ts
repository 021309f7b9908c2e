// Retention of raw play events: events counted more than `retentionDays` ago are rolled into
// per-listener, per-song daily rows (play_archive, packages/db/src/models-plays.ts) and deleted from
// play_events. Per-song, per-artist and per-listener daily totals are already in play_daily (the stats
// job wrote them when it counted each event), so nothing else needs rolling; only counted events are
// archived (an uncounted one waits for its job). Age is measured by countedAt (the server's clock), so
// a player that reports a months-old play late does not see it archived before it was counted.
//
// Exactly once without transactions, as the stats job: a batch of events is claimed by stamping its id
// on them (archiveBatch); each archive row is updated with a guard on that batch id, pushed in the same
// single-document update; the claimed events are deleted; the guards are pulled. Each step is recorded
// on the batch's run document, and a run that died is finished first by the next one.
import { mongoose, PlayArchive, PlayArchiveRun, PlayEvent, Types } from '@tonearm/db';

export type ArchiveOptions = {
  /** Raw events counted longer ago than this are rolled up and deleted. */
  retentionDays: number;
  /** Events per batch (bounds memory: one batch is grouped in the heap). */
  batchSize?: number;
  /** Stop after this many batches (the next scheduled run goes on). */
  maxBatches?: number;
  now?: Date;
};

export type ArchiveResult = {
  cutoff: string;
  batches: number;
  resumed: number;
  events: number;
  rows: number;
};

const trusted = <T>(v: T) => mongoose.trusted(v) as unknown as string;
const DAY_MS = 86_400_000;

export async function archivePlayEvents(opts: ArchiveOptions): Promise<ArchiveResult> {
  if (!Number.isFinite(opts.retentionDays) || opts.retentionDays < 1)
    throw new RangeError(`retentionDays must be at least 1 (got ${opts.retentionDays})`);
  const batchSize = opts.batchSize ?? 5_000;
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.retentionDays * DAY_MS);
  const out: ArchiveResult = { cutoff: cutoff.toISOString(), batches: 0, resumed: 0, events: 0, rows: 0 };

  // A run that died mid-batch: finish it from where it got.
  const unfinished = await PlayArchiveRun.find(
    { state: mongoose.trusted({ $ne: 'done' }) as never },
    { state: 1 },
  )
    .sort({ createdAt: 1 })
    .lean<{ _id: string; state: string }[]>();
  for (const run of unfinished) {
    const r = await finishBatch(run._id, run.state);
    out.resumed++;
    out.events += r.events;
    out.rows += r.rows;
  }

  for (let i = 0; i < (opts.maxBatches ?? 1_000); i++) {
    const picked = await PlayEvent.find(
      { countedAt: trusted({ $lt: cutoff }), archiveBatch: trusted({ $exists: false }) },
      { _id: 1 },
    )
      .limit(batchSize)
      .lean();
    if (!picked.length) break;
    const batchId = new Types.ObjectId().toHexString();
    await PlayArchiveRun.create({ _id: batchId, cutoff, state: 'claimed' });
    await PlayEvent.updateMany(
      { _id: trusted({ $in: picked.map((p) => p._id) }), archiveBatch: trusted({ $exists: false }) },
      { $set: { archiveBatch: batchId } },
    );
    const r = await finishBatch(batchId, 'claimed');
    out.batches++;
    out.events += r.events;
    out.rows += r.rows;
  }
  return out;
}

type RowKey = { userId: Types.ObjectId; songId: Types.ObjectId; day: string };

async function bumpRow(
  key: RowKey,
  batchId: string,
  inc: { plays: number; playedSec: number; completed: number },
) {
  const filter = { ...key, batches: trusted({ $ne: batchId }) };
  const update = { $inc: inc, $push: { batches: batchId } };
  try {
    await PlayArchive.updateOne(filter, update, { upsert: true });
  } catch (e) {
    // A first row of the day raced, or the guard made the upsert try an insert of an applied row.
    if ((e as { code?: number }).code !== 11000) throw e;
    await PlayArchive.updateOne(filter, update);
  }
}

/** Rolls up, deletes and un-guards one claimed batch, from the state its run records. */
async function finishBatch(batchId: string, state: string): Promise<{ events: number; rows: number }> {
  let events = 0;
  let rows = 0;
  if (state === 'claimed') {
    const evs = await PlayEvent.find(
      { archiveBatch: batchId },
      { userId: 1, songId: 1, startedAt: 1, playedSec: 1, completed: 1 },
    ).lean();
    const groups = new Map<string, { key: RowKey; plays: number; playedSec: number; completed: number }>();
    for (const e of evs) {
      const day = e.startedAt.toISOString().slice(0, 10);
      const k = `${String(e.userId)}|${String(e.songId)}|${day}`;
      const g = groups.get(k) ?? {
        key: { userId: e.userId, songId: e.songId, day },
        plays: 0,
        playedSec: 0,
        completed: 0,
      };
      g.plays++;
      g.playedSec += Math.round(e.playedSec ?? 0);
      if (e.completed) g.completed++;
      groups.set(k, g);
    }
    const list = [...groups.values()];
    // One bulk write per 1,000 rows (unordered); a row whose upsert lost a race for its first insert
    // (or met its own guard) is retried alone as a plain guarded update.
    for (let i = 0; i < list.length; i += 1_000) {
      const part = list.slice(i, i + 1_000);
      const ops = part.map((g) => ({
        updateOne: {
          filter: { ...g.key, batches: { $ne: batchId } },
          update: {
            $inc: { plays: g.plays, playedSec: g.playedSec, completed: g.completed },
            $push: { batches: batchId },
          },
          upsert: true,
        },
      }));
      const failed = await PlayArchive.collection
        .bulkWrite(ops as never, { ordered: false })
        .then(() => [] as number[])
        .catch((e: { writeErrors?: { index: number; code: number }[] | { index: number; code: number } }) => {
          const errs = e.writeErrors ? [e.writeErrors].flat() : [];
          if (!errs.length || errs.some((w) => w.code !== 11000)) throw e;
          return errs.map((w) => w.index);
        });
      for (const idx of failed) {
        const g = part[idx]!;
        await bumpRow(g.key, batchId, { plays: g.plays, playedSec: g.playedSec, completed: g.completed });
      }
    }
    events = evs.length;
    rows = list.length;
    await PlayArchiveRun.updateOne({ _id: batchId }, { $set: { state: 'rolled', events, rows } });
    state = 'rolled';
  }
  if (state === 'rolled') {
    await PlayEvent.deleteMany({ archiveBatch: batchId });
    await PlayArchiveRun.updateOne({ _id: batchId }, { $set: { state: 'deleted' } });
    state = 'deleted';
  }
  if (state === 'deleted') {
    await PlayArchive.updateMany({ batches: batchId }, { $pull: { batches: batchId } });
    await PlayArchiveRun.updateOne({ _id: batchId }, { $set: { state: 'done' } });
  }
  return { events, rows };
}
