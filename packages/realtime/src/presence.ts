// Presence in Redis: what each user is doing now, merged over their tabs and devices, plus their
// recent plays. Edit here (and in presence-lua.ts) when the presence model changes.
//
// Model: `<p>:c:<uid>` hash connId → { sid, exp, at, activity, sticky-private }, one field per tab;
// `<p>:dl` sorted set of "<uid>|<connId>" by deadline (heartbeat time + TTL); `<p>:v:<uid>` the
// merged, privacy-masked view followers see, with a per-user seq; `<p>:r:<uid>` recent plays;
// `<p>:priv:<uid>` the private-session switch. A heartbeat is one EVALSHA doing O(1) work (the merge
// walks the user's own connections, capped at maxConnsPerUser). A crashed client stops
// heartbeating; the sweeper (any server) claims its passed deadline and publishes the change.
import type { Redis } from 'ioredis';
import { type Activity, type PresenceChanged, ZPresenceChanged } from './events';
import { HEARTBEAT, LEAVE, READ_MANY, SET_PRIVATE, SWEEP } from './presence-lua';

export type PresenceOptions = {
  /** Key prefix, after the client's own ioredis keyPrefix if it has one. */
  prefix?: string;
  /** A connection without a heartbeat for this long is gone. */
  ttlMs?: number;
  /** How long a private session lasts unless switched off. */
  privateSessionMs?: number;
  recentMax?: number;
  maxConnsPerUser?: number;
};

export type RecentPlay = { songId: string; startedAt: number };
export type FriendPresence = PresenceChanged & { recent: RecentPlay[] };

/** Result of a write: what followers see now, whether it changed, whether a new play began. */
export type PresenceUpdate = { changed: boolean; playStarted: boolean; view: PresenceChanged };

type Script = 'heartbeat' | 'leave' | 'setPrivate' | 'sweep' | 'readMany';
type ScriptRedis = Redis & {
  [K in `tonearm_presence_${Script}`]: (...args: (string | number)[]) => Promise<unknown>;
};

const SCRIPTS: Record<Script, string> = {
  heartbeat: HEARTBEAT,
  leave: LEAVE,
  setPrivate: SET_PRIVATE,
  sweep: SWEEP,
  readMany: READ_MANY,
};

export class PresenceStore {
  readonly prefix: string;
  /** The prefix as the scripts see it: the scripts derive key names, which ioredis cannot prefix. */
  private readonly scriptPrefix: string;
  readonly ttlMs: number;
  readonly privateSessionMs: number;
  readonly recentMax: number;
  readonly maxConnsPerUser: number;
  private readonly r: ScriptRedis;

  constructor(redis: Redis, opts: PresenceOptions = {}) {
    this.prefix = opts.prefix ?? 'pres';
    this.scriptPrefix = `${redis.options.keyPrefix ?? ''}${this.prefix}`;
    this.ttlMs = opts.ttlMs ?? 45_000;
    this.privateSessionMs = opts.privateSessionMs ?? 6 * 3600_000;
    this.recentMax = opts.recentMax ?? 20;
    this.maxConnsPerUser = opts.maxConnsPerUser ?? 32;
    this.r = redis as ScriptRedis;
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      // defineCommand: EVALSHA with a transparent EVAL fallback after a Redis restart.
      if (!(`tonearm_presence_${name}` in redis))
        redis.defineCommand(`tonearm_presence_${name}`, { numberOfKeys: 0, lua });
    }
  }

  /** Clients heartbeat at a third of the TTL, so one lost heartbeat never flips them offline. */
  get heartbeatMs(): number {
    return Math.max(100, Math.floor(this.ttlMs / 3));
  }

  async heartbeat(
    userId: string,
    conn: { connId: string; sid: string; isStickyPrivate?: boolean },
    activity: Activity,
  ): Promise<PresenceUpdate> {
    const res = (await this.r.tonearm_presence_heartbeat(
      this.scriptPrefix,
      userId,
      conn.connId,
      conn.sid,
      JSON.stringify(activity),
      this.ttlMs,
      conn.isStickyPrivate ? 1 : 0,
      this.recentMax,
      this.maxConnsPerUser,
    )) as [number, string, number];
    if (res[0] === -1) throw new PresenceLimitError(this.maxConnsPerUser);
    return parseUpdate(res);
  }

  /** A socket disconnected cleanly; a no-op if another socket has since taken over the connection id. */
  async leave(userId: string, conn: { connId: string; sid: string }): Promise<PresenceUpdate | null> {
    const res = (await this.r.tonearm_presence_leave(
      this.scriptPrefix,
      userId,
      conn.connId,
      conn.sid,
      this.recentMax,
    )) as [number, string, number];
    return res[1] ? parseUpdate(res) : null;
  }

  async setPrivate(userId: string, isPrivate: boolean): Promise<PresenceUpdate> {
    const res = (await this.r.tonearm_presence_setPrivate(
      this.scriptPrefix,
      userId,
      isPrivate ? 1 : 0,
      this.privateSessionMs,
      this.recentMax,
    )) as [number, string, number];
    return parseUpdate(res);
  }

  async isPrivate(userId: string): Promise<boolean> {
    return (await this.r.exists(`${this.prefix}:priv:${userId}`)) === 1;
  }

  /** Expires connections past their deadline; returns the users whose visible state changed. */
  async sweep(limit = 500): Promise<PresenceChanged[]> {
    const flat = (await this.r.tonearm_presence_sweep(this.scriptPrefix, limit, this.recentMax)) as string[];
    const out: PresenceChanged[] = [];
    for (let i = 1; i < flat.length; i += 2) out.push(ZPresenceChanged.parse(JSON.parse(flat[i]!)));
    return out;
  }

  /** Presence and recent plays of many users in one round trip (one script call). */
  async readMany(userIds: string[], recentLimit = 10): Promise<Map<string, FriendPresence>> {
    const out = new Map<string, FriendPresence>();
    if (userIds.length === 0) return out;
    const rows = (await this.r.tonearm_presence_readMany(
      this.scriptPrefix,
      recentLimit,
      ...userIds,
    )) as string[][];
    rows.forEach((row, i) => {
      const [head, ...recent] = row;
      const view = ZPresenceChanged.parse(JSON.parse(head!));
      out.set(userIds[i]!, { ...view, recent: recent.map((r) => JSON.parse(r) as RecentPlay) });
    });
    return out;
  }
}

export class PresenceLimitError extends Error {
  constructor(max: number) {
    super(`Too many simultaneous connections (max ${max})`);
    this.name = 'PresenceLimitError';
  }
}

function parseUpdate(res: [number, string, number]): PresenceUpdate {
  return {
    changed: res[0] === 1,
    playStarted: res[2] === 1,
    view: ZPresenceChanged.parse(JSON.parse(res[1])),
  };
}
