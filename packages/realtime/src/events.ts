// The socket.io contract between servers, workers and browsers: every payload is a Zod schema here,
// and the typed event maps are derived from them. Client-safe (zod and validators only): the web
// player imports it.
// Add an event here first (name `resource:action`), then emit it; never emit an untyped event.
import { type SongTranscode, ZSongTranscode } from '@tonearm/validators';
import { z } from 'zod';

// Lower-case only (stricter than validators' ZObjectId): ids here name socket rooms, which must not
// differ by case.
const ZObjectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-hex id');

export const ZDevice = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .describe('Free-form device label: "web", "iPhone"...');

/** What one tab/device is doing, as its heartbeat reports it. */
export const ZActivity = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('online'), device: ZDevice }),
  z.strictObject({
    state: z.literal('streaming'),
    songId: ZObjectId,
    /** When this play of the song began (ms since epoch); a new play of the same song gets a new one. */
    startedAt: z.number().int().nonnegative(),
    positionSec: z.number().min(0).max(86_400),
    /** Paused keeps the song on screen ("paused on …"): a pause is not the end of a play. */
    isPaused: z.boolean().default(false),
    device: ZDevice,
  }),
]);
export type Activity = z.infer<typeof ZActivity>;

/** A user's presence as followers see it: every live tab/device merged into one state. */
export const ZPresence = z.discriminatedUnion('state', [
  z.object({ state: z.literal('offline') }),
  z.object({ state: z.literal('online'), device: z.string() }),
  z.object({
    state: z.literal('streaming'),
    songId: z.string(),
    startedAt: z.number(),
    positionSec: z.number(),
    isPaused: z.boolean(),
    device: z.string(),
    /** When positionSec was reported (ms since epoch): clients extrapolate the position from it. */
    reportedAt: z.number(),
  }),
]);
export type Presence = z.infer<typeof ZPresence>;

export const ZPresenceChanged = z.object({
  userId: z.string(),
  presence: ZPresence,
  /** Per-user version, increasing: a client drops an event older than what it already shows. */
  seq: z.number().int(),
  at: z.number(),
});
export type PresenceChanged = z.infer<typeof ZPresenceChanged>;

/** A song as the friends feed shows it. */
export const ZFeedSong = z.object({ id: z.string(), title: z.string(), artistName: z.string() });
export type FeedSong = z.infer<typeof ZFeedSong>;

/**
 * The "friends are listening to" feed (social.feed): the initial state, and the re-sync after a
 * reconnect, of what `presence:changed` and `play:started` events then update.
 */
export const ZFeed = z.object({
  friends: z.array(
    z.object({
      user: z.object({
        id: z.string(),
        handle: z.string(),
        displayName: z.string(),
        /** Path of the resized avatar on this server (/covers/user/…); null = initials. */
        avatarUrl: z.string().nullable(),
      }),
      presence: ZPresence,
      /** The song of a streaming presence, resolved (null when it no longer exists). */
      nowPlaying: ZFeedSong.nullable(),
      /** Compare with `presence:changed` events' seq: apply only newer ones. */
      seq: z.number().int(),
      recent: z.array(z.object({ song: ZFeedSong, startedAt: z.number() })),
    }),
  ),
  at: z.number(),
});
export type Feed = z.infer<typeof ZFeed>;
export type FeedEntry = Feed['friends'][number];

/** Sent to a socket right after it connects (and reconnects): the state to start from. */
export const ZRealtimeReady = z.object({
  userId: z.string(),
  /** The client should heartbeat this often; presence expires after ttlMs without one. */
  heartbeatMs: z.number().int().positive(),
  ttlMs: z.number().int().positive(),
  isPrivate: z.boolean(),
  /** Current presence of every followee this socket listens to (one Redis round trip). */
  friends: z.array(ZPresenceChanged),
});
export type RealtimeReady = z.infer<typeof ZRealtimeReady>;

/** A new song heard by a followee, for the "recently played" part of the feed. */
export const ZPlayStarted = z.object({
  userId: z.string(),
  songId: z.string(),
  startedAt: z.number(),
});
export type PlayStarted = z.infer<typeof ZPlayStarted>;

/** Transcoding progress pushed by the transcode worker to `user:<uploaderId>` (defined in validators). */
export { type SongTranscode, ZSongTranscode };

/** A followee hid their listening ("nobody") or removed you as a follower: drop them from the sidebar. */
export const ZFriendHidden = z.object({ userId: z.string() });
export type FriendHidden = z.infer<typeof ZFriendHidden>;

/** Sent to the owner's own sockets when their listening visibility changes (from any tab). */
export const ZPrivacyChanged = z.object({
  listeningVisibility: z.enum(['everyone', 'approved', 'nobody']),
  isPrivate: z.boolean(),
});
export type PrivacyChanged = z.infer<typeof ZPrivacyChanged>;

/** Sent to a requester when the person they asked to follow accepts. */
export const ZFollowAccepted = z.object({ userId: z.string() });

// --- client → server ---------------------------------------------------------------------
export const ZHeartbeat = ZActivity;
export const ZSetPrivate = z.strictObject({ isPrivate: z.boolean() });
export const ZSubscribe = z.strictObject({ userId: ZObjectId });

export type AckOk<T = unknown> = { ok: true } & T;
export type AckErr = { ok: false; code: string; message: string };
export type Ack<T = unknown> = AckOk<T> | AckErr;

export type ServerToClientEvents = {
  'realtime:ready': (payload: RealtimeReady) => void;
  'presence:changed': (payload: PresenceChanged) => void;
  'play:started': (payload: PlayStarted) => void;
  'song:transcode': (payload: SongTranscode) => void;
  'friend:hidden': (payload: FriendHidden) => void;
  'privacy:changed': (payload: PrivacyChanged) => void;
  'follow:accepted': (payload: z.infer<typeof ZFollowAccepted>) => void;
  'follow:requested': (payload: z.infer<typeof ZFollowAccepted>) => void;
};

/** Between servers (emitter.serverSideEmit): a user's listening visibility changed. */
export type InterServerEvents = {
  'tonearm:privacy': (userId: string, isPrivate: boolean) => void;
};

export type ClientToServerEvents = {
  'presence:heartbeat': (payload: z.input<typeof ZHeartbeat>, ack?: (res: Ack) => void) => void;
  'presence:private': (payload: z.infer<typeof ZSetPrivate>, ack?: (res: Ack) => void) => void;
  /** Listen to a followee's activity (after a new follow); refused for anyone you do not follow. */
  'presence:subscribe': (
    payload: z.infer<typeof ZSubscribe>,
    ack: (res: Ack<{ presence: PresenceChanged }>) => void,
  ) => void;
  'presence:unsubscribe': (payload: z.infer<typeof ZSubscribe>, ack?: (res: Ack) => void) => void;
};

/** Schemas of server → client payloads, for emitters that validate before publishing. */
export const serverEventSchemas = {
  'realtime:ready': ZRealtimeReady,
  'presence:changed': ZPresenceChanged,
  'play:started': ZPlayStarted,
  'song:transcode': ZSongTranscode,
  'friend:hidden': ZFriendHidden,
  'privacy:changed': ZPrivacyChanged,
  'follow:accepted': ZFollowAccepted,
  'follow:requested': ZFollowAccepted,
} as const satisfies { [K in keyof ServerToClientEvents]: z.ZodType };
