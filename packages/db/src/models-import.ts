// Library imports (`pnpm import`, multi-file browser uploads): one row per run with its live counts, so
// the admin page can show what is running and how far it got.
import { IMPORT_SOURCES, IMPORT_STATUSES } from '@tonearm/validators';
import { type InferSchemaType, model, Schema, type Types } from 'mongoose';

const ImportRunSchema = new Schema(
  {
    status: { type: String, enum: IMPORT_STATUSES, default: 'scanning' },
    source: { type: String, enum: IMPORT_SOURCES, default: 'cli' },
    paths: { type: [String], default: [] },
    dryRun: { type: Boolean, default: false },
    files: { type: Number, default: 0 },
    scanned: { type: Number, default: 0 },
    audio: { type: Number, default: 0 },
    imported: { type: Number, default: 0 },
    updated: { type: Number, default: 0 },
    unchanged: { type: Number, default: 0 },
    duplicates: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
    queued: { type: Number, default: 0 },
    ready: { type: Number, default: 0 },
    failed: { type: Number, default: 0 },
    durationSec: { type: Number, default: 0 },
    error: { type: String, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
ImportRunSchema.index({ createdAt: -1 });

export const ImportRun = model('ImportRun', ImportRunSchema, 'import_runs', { overwriteModels: true });
export type ImportRunDoc = InferSchemaType<typeof ImportRunSchema> & { _id: Types.ObjectId };
