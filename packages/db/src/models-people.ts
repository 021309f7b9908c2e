// People: follow requests (listening visibility "approved"), one-time account tokens (email
// verification, password reset: only their SHA-256 is stored) and admin-issued invite links.
import { type InferSchemaType, model, Schema, type Types } from 'mongoose';

/** Who may see a user's listening: everyone who follows, followers the user approved, nobody. */
export const LISTENING_VISIBILITIES = ['everyone', 'approved', 'nobody'] as const;
export type ListeningVisibility = (typeof LISTENING_VISIBILITIES)[number];

const FollowRequestSchema = new Schema(
  {
    requesterId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    targetId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
FollowRequestSchema.index({ requesterId: 1, targetId: 1 }, { unique: true });
FollowRequestSchema.index({ targetId: 1, createdAt: -1 });

export const ACCOUNT_TOKEN_KINDS = ['verifyEmail', 'passwordReset'] as const;
export type AccountTokenKind = (typeof ACCOUNT_TOKEN_KINDS)[number];

const AccountTokenSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, enum: ACCOUNT_TOKEN_KINDS, required: true },
    /** SHA-256 of the token: the token itself only ever exists in the mailed link. */
    hash: { type: String, required: true },
    /** The address being verified (the new one on an email change). */
    email: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
AccountTokenSchema.index({ hash: 1 }, { unique: true });
AccountTokenSchema.index({ userId: 1, kind: 1 });

const InviteSchema = new Schema(
  {
    hash: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    note: { type: String, default: '', maxlength: 200 },
    expiresAt: { type: Date, required: true },
    usedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    usedAt: { type: Date, default: null },
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
InviteSchema.index({ hash: 1 }, { unique: true });

export const FollowRequest = model('FollowRequest', FollowRequestSchema, 'follow_requests', {
  overwriteModels: true,
});
export const AccountToken = model('AccountToken', AccountTokenSchema, 'account_tokens', {
  overwriteModels: true,
});
export const Invite = model('Invite', InviteSchema, 'invites', { overwriteModels: true });

export type FollowRequestDoc = InferSchemaType<typeof FollowRequestSchema> & { _id: Types.ObjectId };
export type AccountTokenDoc = InferSchemaType<typeof AccountTokenSchema> & { _id: Types.ObjectId };
