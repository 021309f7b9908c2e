// Retention of raw play events (packages/core/src/play-archive.ts): events older than the retention
// are rolled into per-listener, per-song daily rows here and then deleted. Per-song, per-artist and
// per-listener daily totals already live in play_daily (the stats job writes them once per event), so
// this collection keeps what those lack: which listener played which song on which day.
import mongoose, { type InferSchemaType, Schema, type Types } from 'mongoose';

const PlayArchiveSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    songId: { type: Schema.Types.ObjectId, ref: 'Song', required: true },
    /** UTC day of startedAt, YYYY-MM-DD. */
    day: { type: String, required: true },
    plays: { type: Number, default: 0 },
    playedSec: { type: Number, default: 0 },
    completed: { type: Number, default: 0 },
    /** Archive batches applied here whose run has not finished (the guard against counting twice). */
    batches: { type: [String], default: undefined, select: false },
  },
  { versionKey: false },
);
// Leads with userId like play_events' shard key, so it can be sharded the same way.
PlayArchiveSchema.index({ userId: 1, day: 1, songId: 1 }, { unique: true });
PlayArchiveSchema.index({ batches: 1 }, { sparse: true });

/** One archive batch and how far it got, so a run that died is finished by the next one. */
const PlayArchiveRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    cutoff: { type: Date, required: true },
    state: { type: String, enum: ['claimed', 'rolled', 'deleted', 'done'], required: true },
    events: { type: Number, default: 0 },
    rows: { type: Number, default: 0 },
  },
  { versionKey: false, timestamps: true },
);
PlayArchiveRunSchema.index({ state: 1 });

export const PlayArchive = mongoose.model('PlayArchive', PlayArchiveSchema, 'play_archive', {
  overwriteModels: true,
});
export const PlayArchiveRun = mongoose.model('PlayArchiveRun', PlayArchiveRunSchema, 'play_archive_runs', {
  overwriteModels: true,
});
export type PlayArchiveDoc = InferSchemaType<typeof PlayArchiveSchema> & { _id: Types.ObjectId };
