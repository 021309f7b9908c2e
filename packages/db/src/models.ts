// Mongoose models of the core domain, with their indexes; with the models-<area>.ts files beside it, the
// only place that knows collection names. Edit here when a field or an index changes; keep the
// validators package's output schemas in step.
// Why one file: the catalog and account schemas reference each other; newer areas have models-<area>.ts.
import { GAPLESS_SOURCES, MEDIA_STATUSES, RENDITION_CODECS } from '@tonearm/validators';
import { type InferSchemaType, model, Schema, type Types } from 'mongoose';
import { guardSongMedia } from './media-guard';
import { searchOutboxPlugin } from './models-search';

const opts = { timestamps: true, versionKey: false } as const;

// --- accounts ---------------------------------------------------------------------------
const UserSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    handle: { type: String, required: true, trim: true, maxlength: 32 },
    displayName: { type: String, required: true, trim: true, maxlength: 80 },
    passwordHash: { type: String, required: true, select: false },
    role: { type: String, enum: ['user', 'admin'], default: 'user' },
    emailVerifiedAt: { type: Date, default: null },
    /** Hides listening activity from everyone ("private session" that sticks). */
    isActivityPrivate: { type: Boolean, default: false },
    /** everyone | approved | nobody (models-people.ts); "nobody" also sets isActivityPrivate. */
    listeningVisibility: { type: String, enum: ['everyone', 'approved', 'nobody'], default: 'everyone' },
    /** S3 prefix of the resized avatar (cover job, kind 'user'); null = initials. */
    avatarKey: { type: String, default: null },
    /** Set by an admin: the account cannot sign in and its sessions and keys are gone. */
    disabledAt: { type: Date, default: null },
  },
  opts,
);
UserSchema.index({ email: 1 }, { unique: true });
UserSchema.index({ handle: 1 }, { unique: true });

const ApiKeySchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    name: { type: String, required: true, maxlength: 80 },
    /** First characters of the key, shown in lists so a person can tell keys apart. */
    prefix: { type: String, required: true },
    /** SHA-256 of the whole key: keys are high-entropy, so a slow hash adds nothing. */
    hash: { type: String, required: true },
    scopes: { type: [String], default: [] },
    rateLimitPerMinute: { type: Number, default: 600 },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  opts,
);
ApiKeySchema.index({ hash: 1 }, { unique: true });
ApiKeySchema.index({ userId: 1, createdAt: -1 });

// --- catalog ----------------------------------------------------------------------------
const ArtistSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    genres: { type: [String], default: [] },
    bio: { type: String, default: '', maxlength: 5000 },
    imageKey: { type: String, default: null },
    /** MusicBrainz artist id (one artist per id). */
    mbArtistId: { type: String, default: null },
    /** Folded name (case, diacritics, leading "The"): one artist per key when there is no MusicBrainz id. */
    nameKey: { type: String, default: null },
    playCount: { type: Number, default: 0 },
    /** Play events counted into playCount whose counting job has not finished (stats job; see there). */
    pendingPlays: { type: [String], default: undefined, select: false },
  },
  opts,
);
ArtistSchema.index({ name: 1 });
ArtistSchema.index({ mbArtistId: 1 });
ArtistSchema.index({ nameKey: 1 });
ArtistSchema.index({ playCount: -1, _id: 1 });
ArtistSchema.index({ updatedAt: 1 });

const AlbumSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    artistId: { type: Schema.Types.ObjectId, ref: 'Artist', required: true },
    artistName: { type: String, required: true },
    year: { type: Number, min: 1800, max: 3000, default: null },
    genre: { type: String, default: null },
    /** S3 prefix written by the cover job (covers/album/<id>/<hash>/), sizes 64/300/640 × avif/webp/jpg. */
    coverKey: { type: String, default: null },
    /** The album artist as tagged (artistName is the artist entity's name; same unless folded together). */
    albumArtist: { type: String, default: null },
    mbReleaseId: { type: String, default: null },
    compilation: { type: Boolean, default: false },
    discCount: { type: Number, default: null },
    trackCount: { type: Number, default: null },
    /** Grouping identity of imported albums: mb:<release id> or n:<album artist key>|<title key>. */
    groupKey: { type: String, default: null },
    /** Album loudness (EBU R128 integrated, LUFS) over all its tracks, for album-mode normalisation. */
    loudnessLufs: { type: Number, default: null },
    truePeakDb: { type: Number, default: null },
    loudnessRangeLu: { type: Number, default: null },
    /** Which tracks (ids and published ladders) the loudness was measured over; see core album-loudness. */
    loudnessKey: { type: String, default: null },
    loudnessTracks: { type: Number, default: null },
    playCount: { type: Number, default: 0 },
    /** Play events counted into playCount whose counting job has not finished (stats job; see there). */
    pendingPlays: { type: [String], default: undefined, select: false },
  },
  opts,
);
AlbumSchema.index({ artistId: 1, year: -1 });
AlbumSchema.index({ groupKey: 1 });
AlbumSchema.index({ playCount: -1, _id: 1 });
AlbumSchema.index({ updatedAt: 1 });

export type { MediaStatus } from '@tonearm/validators';
/** Defined once in @tonearm/validators/media; re-exported for code that reads songs. */
export { MEDIA_STATUSES };

const RenditionSchema = new Schema(
  {
    name: { type: String, required: true },
    /** 'aac' (AAC-LC) or 'flac' (the lossless rung); documents written before it read as 'aac'. */
    codec: { type: String, enum: RENDITION_CODECS, default: 'aac' },
    bitrateKbps: { type: Number, required: true },
    bandwidth: { type: Number, required: true },
    averageBandwidth: { type: Number, required: true },
    codecs: { type: String, required: true },
    /** Encoder priming samples at the start and padding at the end, for sample-accurate gapless cuts. */
    primingSamples: { type: Number, default: 0 },
    paddingSamples: { type: Number, default: 0 },
    /**
     * Frames in the rendition. AAC: frames × 1024 = priming + source samples + padding. FLAC: blocks of
     * 1024 samples, the last one short; padding 0, priming = the 1024-sample lead-in.
     */
    frames: { type: Number, default: 0 },
    /** Where the priming is signalled: 'elst' (the fMP4 edit list) or 'metadata' (only here). */
    gaplessSource: { type: String, enum: GAPLESS_SOURCES, default: 'metadata' },
    playlist: { type: String, default: null },
  },
  { _id: false },
);

const MediaSchema = new Schema(
  {
    status: { type: String, enum: MEDIA_STATUSES, default: 'uploaded' },
    sourceKey: { type: String, default: null },
    /** ETag of the pinned source finalize checked (sources/<id>/<...>); the worker reads only it. */
    sourceEtag: { type: String, default: null },
    /** S3 prefix of the published HLS ladder, ending in "/" (songs/<id>/hls/<version>/). */
    hlsPrefix: { type: String, default: null },
    renditions: { type: [RenditionSchema], default: [] },
    sampleRate: { type: Number, default: null },
    /** Exact sample count of the decoded source. */
    sourceSamples: { type: Number, default: null },
    loudnessLufs: { type: Number, default: null },
    truePeakDb: { type: Number, default: null },
    loudnessRangeLu: { type: Number, default: null },
    progress: { type: Number, default: 0 },
    /** Source upload as declared to upload.create (bytes, content type). */
    sourceBytes: { type: Number, default: null },
    sourceContentType: { type: String, default: null },
    /** What the uploader typed to upload.create beyond the song's own fields; finalize files by them. */
    declaredAlbumArtist: { type: String, default: null },
    declaredDiscNumber: { type: Number, default: null },
    sourceCodec: { type: String, default: null },
    sourceSampleRate: { type: Number, default: null },
    error: { type: String, default: null },
    jobAttempt: { type: Number, default: 0 },
    readyAt: { type: Date, default: null },
  },
  { _id: false },
);

const SongSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    artistId: { type: Schema.Types.ObjectId, ref: 'Artist', required: true },
    artistName: { type: String, required: true },
    albumId: { type: Schema.Types.ObjectId, ref: 'Album', default: null },
    albumTitle: { type: String, default: null },
    trackNumber: { type: Number, min: 1, max: 999, default: null },
    discNumber: { type: Number, min: 1, max: 99, default: 1 },
    durationSec: { type: Number, min: 0, default: 0 },
    /** The first of genres (kept for the existing readers). */
    genre: { type: String, default: null },
    genres: { type: [String], default: [] },
    year: { type: Number, min: 1800, max: 3000, default: null },
    /** Every credited artist as tagged; artistId/artistName is the first. */
    artistNames: { type: [String], default: [] },
    lyrics: { type: String, default: null, maxlength: 20_000 },
    mbRecordingId: { type: String, default: null },
    /** The album's cover prefix (copied from Album.coverKey by the cover job), for lists without a join. */
    coverKey: { type: String, default: null },
    /** SHA-256 (hex) of the source file's bytes: an import's identity of a file, whatever its path. */
    contentHash: { type: String, default: null },
    /** Last known path of the imported file on the server host. */
    sourcePath: { type: String, default: null },
    replayGain: {
      type: new Schema(
        {
          trackGainDb: { type: Number, default: null },
          trackPeak: { type: Number, default: null },
          albumGainDb: { type: Number, default: null },
          albumPeak: { type: Number, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    uploaderId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    playCount: { type: Number, default: 0 },
    /** Play events counted into playCount whose counting job has not finished (stats job; see there). */
    pendingPlays: { type: [String], default: undefined, select: false },
    likeCount: { type: Number, default: 0 },
    media: { type: MediaSchema, default: () => ({}) },
  },
  opts,
);
guardSongMedia(SongSchema);
SongSchema.index({ albumId: 1, discNumber: 1, trackNumber: 1 });
SongSchema.index({ artistId: 1, playCount: -1 });
SongSchema.index({ playCount: -1, _id: 1 });
SongSchema.index({ 'media.status': 1, _id: 1 });
SongSchema.index({ updatedAt: 1 });
SongSchema.index({ contentHash: 1 });
SongSchema.index({ sourcePath: 1 });

// --- library and social -----------------------------------------------------------------
const PlaylistEntrySchema = new Schema(
  {
    songId: { type: Schema.Types.ObjectId, ref: 'Song', required: true },
    addedAt: { type: Date, default: () => new Date() },
  },
  { _id: true },
);

const PlaylistSchema = new Schema(
  {
    ownerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    description: { type: String, default: '', maxlength: 2000 },
    isPublic: { type: Boolean, default: false },
    entries: { type: [PlaylistEntrySchema], default: [] },
    /** Bumped on every edit; writes name the version they saw, so concurrent edits never interleave. */
    revision: { type: Number, default: 0 },
  },
  opts,
);
PlaylistSchema.index({ ownerId: 1, updatedAt: -1, _id: -1 });
PlaylistSchema.index({ isPublic: 1, updatedAt: -1 });

const LikeSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    songId: { type: Schema.Types.ObjectId, ref: 'Song', required: true },
  },
  { ...opts, timestamps: { createdAt: true, updatedAt: false } },
);
LikeSchema.index({ userId: 1, songId: 1 }, { unique: true });
LikeSchema.index({ userId: 1, createdAt: -1, _id: -1 });

const FollowSchema = new Schema(
  {
    followerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    followeeId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { ...opts, timestamps: { createdAt: true, updatedAt: false } },
);
FollowSchema.index({ followerId: 1, followeeId: 1 }, { unique: true });
FollowSchema.index({ followeeId: 1, followerId: 1 });

const BlockSchema = new Schema(
  {
    blockerId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    blockedId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { ...opts, timestamps: { createdAt: true, updatedAt: false } },
);
BlockSchema.index({ blockerId: 1, blockedId: 1 }, { unique: true });
// Who blocked me: the realtime fan-out hides a user's activity from both sides of a block.
BlockSchema.index({ blockedId: 1, blockerId: 1 });

const PlayEventSchema = new Schema(
  {
    /** Client-generated id: a retried report of the same play is stored once. */
    eventId: { type: String, required: true, maxlength: 64 },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    songId: { type: Schema.Types.ObjectId, ref: 'Song', required: true },
    artistId: { type: Schema.Types.ObjectId, ref: 'Artist', required: true },
    startedAt: { type: Date, required: true },
    playedSec: { type: Number, min: 0, default: 0 },
    completed: { type: Boolean, default: false },
    /** Set by the stats job once counted, so a replayed job never counts twice. */
    countedAt: { type: Date, default: null },
    /** The archive batch that is rolling this event up (packages/core/src/play-archive.ts). */
    archiveBatch: { type: String, default: undefined },
  },
  { versionKey: false, timestamps: { createdAt: true, updatedAt: false } },
);
// The unique key includes the user and leads with the shard key { userId, startedAt } (a unique index
// on a sharded collection must start with the shard key; docs/SCALE.md): a retried report carries the
// same eventId and startedAt, so it is stored once; two listeners' players may pick the same eventId.
// It also serves a listener's history, newest first (read backwards).
PlayEventSchema.index({ userId: 1, startedAt: 1, eventId: 1 }, { unique: true });
PlayEventSchema.index({ songId: 1, startedAt: -1 });
PlayEventSchema.index({ countedAt: 1, createdAt: 1 });
// Only events an archive batch is rolling up carry archiveBatch: a tiny index.
PlayEventSchema.index({ archiveBatch: 1 }, { sparse: true });

/** Plays per day per song, artist or user, written once per PlayEvent by the stats job. */
const PlayDailySchema = new Schema(
  {
    kind: { type: String, enum: ['song', 'artist', 'user'], required: true },
    refId: { type: Schema.Types.ObjectId, required: true },
    /** UTC day, YYYY-MM-DD. */
    day: { type: String, required: true },
    plays: { type: Number, default: 0 },
    playedSec: { type: Number, default: 0 },
    /** Play events counted here whose counting job has not finished (stats job; see there). */
    pendingPlays: { type: [String], default: undefined, select: false },
  },
  { versionKey: false },
);
PlayDailySchema.index({ kind: 1, refId: 1, day: 1 }, { unique: true });
PlayDailySchema.index({ kind: 1, day: 1, plays: -1 });

/** Top-K neighbours per song, written by the recommendations job. */
const SongNeighborsSchema = new Schema(
  {
    songId: { type: Schema.Types.ObjectId, ref: 'Song', required: true },
    neighbors: {
      type: [new Schema({ songId: Schema.Types.ObjectId, score: Number }, { _id: false })],
      default: [],
    },
    /** Distinct listeners of the song in the job's window (the incremental run reuses it). */
    listenerCount: { type: Number, default: 0 },
    /**
     * The neighbours packed (12-byte song id + float32 score each; packages/core/src/recs-sim.ts):
     * 16 bytes a neighbour instead of a subdocument, so 20,000 rows fit the dev stand-in's heap.
     */
    packed: { type: Buffer, default: undefined },
    /** "More like this" as served, packed the same way plus one byte of reasons per candidate. */
    packedSimilar: { type: Buffer, default: undefined },
    /**
     * The "More like this" collaborative neighbours before the blend, packed as `packed`: the
     * incremental neighbour job patches them and re-blends `packedSimilar` from them.
     */
    packedMlt: { type: Buffer, default: undefined },
    computedAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
SongNeighborsSchema.index({ songId: 1 }, { unique: true });

// Writes to what search shows leave an outbox entry for every process's index (models-search.ts).
searchOutboxPlugin(ArtistSchema, 'artist');
searchOutboxPlugin(AlbumSchema, 'album');
searchOutboxPlugin(SongSchema, 'song');

export const User = model('User', UserSchema, 'users', { overwriteModels: true });
export const ApiKey = model('ApiKey', ApiKeySchema, 'api_keys', { overwriteModels: true });
export const Artist = model('Artist', ArtistSchema, 'artists', { overwriteModels: true });
export const Album = model('Album', AlbumSchema, 'albums', { overwriteModels: true });
export const Song = model('Song', SongSchema, 'songs', { overwriteModels: true });
export const Playlist = model('Playlist', PlaylistSchema, 'playlists', { overwriteModels: true });
export const Like = model('Like', LikeSchema, 'likes', { overwriteModels: true });
export const Follow = model('Follow', FollowSchema, 'follows', { overwriteModels: true });
export const Block = model('Block', BlockSchema, 'blocks', { overwriteModels: true });
export const PlayEvent = model('PlayEvent', PlayEventSchema, 'play_events', { overwriteModels: true });
export const PlayDaily = model('PlayDaily', PlayDailySchema, 'play_daily', { overwriteModels: true });
export const SongNeighbors = model('SongNeighbors', SongNeighborsSchema, 'song_neighbors', {
  overwriteModels: true,
});

export type UserDoc = InferSchemaType<typeof UserSchema> & { _id: Types.ObjectId };
export type ArtistDoc = InferSchemaType<typeof ArtistSchema> & { _id: Types.ObjectId };
export type AlbumDoc = InferSchemaType<typeof AlbumSchema> & { _id: Types.ObjectId };
export type SongDoc = InferSchemaType<typeof SongSchema> & { _id: Types.ObjectId };
export type PlaylistDoc = InferSchemaType<typeof PlaylistSchema> & { _id: Types.ObjectId };
export type PlayEventDoc = InferSchemaType<typeof PlayEventSchema> & { _id: Types.ObjectId };
