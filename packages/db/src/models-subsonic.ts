// Models behind the Subsonic API (apps/server/src/subsonic): per-user app passwords (encrypted with
// the server key, for the u+t/s token scheme), stars on albums and artists (songs use Like), ratings,
// and the saved play queue a phone hands to a desktop.
import { type InferSchemaType, model, Schema, type Types } from 'mongoose';

/** One app password per user, AES-256-GCM ciphertext under SUBSONIC_SECRET_KEY; never the account password. */
const AppPasswordSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** base64 of iv (12) ‖ tag (16) ‖ ciphertext. */
    sealed: { type: String, required: true },
    lastUsedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
AppPasswordSchema.index({ userId: 1 }, { unique: true });

export const STAR_KINDS = ['album', 'artist'] as const;
const StarSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, enum: STAR_KINDS, required: true },
    refId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
StarSchema.index({ userId: 1, kind: 1, refId: 1 }, { unique: true });
StarSchema.index({ userId: 1, kind: 1, createdAt: -1 });

const RatingSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, enum: ['song', 'album', 'artist'], required: true },
    refId: { type: Schema.Types.ObjectId, required: true },
    rating: { type: Number, min: 1, max: 5, required: true },
  },
  { versionKey: false, timestamps: true },
);
RatingSchema.index({ userId: 1, kind: 1, refId: 1 }, { unique: true });

const PlayQueueSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    songIds: { type: [Schema.Types.ObjectId], default: [] },
    current: { type: Schema.Types.ObjectId, default: null },
    positionMs: { type: Number, default: 0 },
    changedBy: { type: String, default: '', maxlength: 200 },
  },
  { versionKey: false, timestamps: true },
);
PlayQueueSchema.index({ userId: 1 }, { unique: true });

export const AppPassword = model('AppPassword', AppPasswordSchema, 'subsonic_app_passwords', {
  overwriteModels: true,
});
export const Star = model('Star', StarSchema, 'subsonic_stars', { overwriteModels: true });
export const Rating = model('Rating', RatingSchema, 'subsonic_ratings', { overwriteModels: true });
export const PlayQueue = model('PlayQueue', PlayQueueSchema, 'subsonic_play_queues', {
  overwriteModels: true,
});
export type PlayQueueDoc = InferSchemaType<typeof PlayQueueSchema> & { _id: Types.ObjectId };
