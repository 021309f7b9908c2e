// Presence in Redis: what each user is doing now, merged over their tabs and devices, plus their
// recent plays. Edit here (and in presence-lua.ts) when the presence model changes.
//
// Model: users fall into BUCKETS buckets (a hash of the id); `<t>` below is the bucket's hash tag
// `{<p><bucket>}`, so a user's keys and the bucket's deadline set share one Redis Cluster slot and
// the buckets spread over the masters. `<p>:<t>:c:<uid>` hash connId → { sid, exp, at, activity,
// sticky-private }, one field per tab; `<p>:<t>:dl` sorted set of "<uid>|<connId>" by deadline
// (heartbeat time + TTL); `<p>:<t>:v:<uid>` the merged, privacy-masked view followers see, with a
// per-user seq; `<p>:<t>:r:<uid>` recent plays; `<p>:<t>:priv:<uid>` the private-session switch. A
// heartbeat is one EVALSHA doing O(1) work (the merge walks the user's own connections, capped at
// maxConnsPerUser). A crashed client stops heartbeating; the sweeper (any server) reads each
// bucket's passed deadlines and claims them user by user, then publishes the change.
import type { RedisClient as Redis } from '@tonearm/cache';
import { type Activity, type PresenceChanged, ZPresenceChanged } from './events';
import { EXPIRE, HEARTBEAT, LEAVE, READ_MANY, SET_PRIVATE } from './presence-lua';

/** Buckets of users (and deadline sets): the unit of placement on a Redis Cluster. */
export const PRESENCE_BUCKETS = 16;

/** FNV-1a of the id: a stable bucket per user, the same in every process. */
export function presenceBucket(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % PRESENCE_BUCKETS;
}

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

type Script = 'heartbeat' | 'leave' | 'setPrivate' | 'expire' | 'readMany';
type ScriptRedis = Redis & {
  [K in `tonearm_presence_${Script}`]: (...args: (string | number)[]) => Promise<unknown>;
};

/** Script text and its number of KEYS (-1: the call passes it first). */
const SCRIPTS: Record<Script, [string, number]> = {
  heartbeat: [HEARTBEAT, 5],
  leave: [LEAVE, 5],
  setPrivate: [SET_PRIVATE, 5],
  expire: [EXPIRE, 5],
  readMany: [READ_MANY, -1],
};

export class PresenceStore {
  readonly prefix: string;
  readonly ttlMs: number;
  readonly privateSessionMs: number;
  readonly recentMax: number;
  readonly maxConnsPerUser: number;
  private readonly r: ScriptRedis;

  constructor(redis: Redis, opts: PresenceOptions = {}) {
    this.prefix = opts.prefix ?? 'pres';
    this.ttlMs = opts.ttlMs ?? 45_000;
    this.privateSessionMs = opts.privateSessionMs ?? 6 * 3600_000;
    this.recentMax = opts.recentMax ?? 20;
    this.maxConnsPerUser = opts.maxConnsPerUser ?? 32;
    this.r = redis as ScriptRedis;
    for (const [name, [lua, numberOfKeys]] of Object.entries(SCRIPTS)) {
      // defineCommand: EVALSHA with a transparent EVAL fallback after a Redis restart; the declared
      // keys get the client's keyPrefix and route the call to the slot's master.
      if (!(`tonearm_presence_${name}` in redis))
        redis.defineCommand(`tonearm_presence_${name}`, {
          lua,
          ...(numberOfKeys >= 0 ? { numberOfKeys } : {}),
        });
    }
  }

  /** The hash tag of a bucket: its users' keys and its deadline set hash to one slot. */
  private tag(bucket: number): string {
    return `${this.prefix}:{${this.prefix}${bucket}}`;
  }

  /** A user's key of one kind (c, v, r, priv), as stored (before the client's keyPrefix). */
  keyOf(kind: 'c' | 'v' | 'r' | 'priv', userId: string): string {
    return `${this.tag(presenceBucket(userId))}:${kind}:${userId}`;
  }

  /** The KEYS of a per-user script: conns, the bucket's deadlines, view, recent, private. */
  private userKeys(userId: string): string[] {
    const t = this.tag(presenceBucket(userId));
    return [`${t}:c:${userId}`, `${t}:dl`, `${t}:v:${userId}`, `${t}:r:${userId}`, `${t}:priv:${userId}`];
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
      ...this.userKeys(userId),
      '',
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
      ...this.userKeys(userId),
      '',
      userId,
      conn.connId,
      conn.sid,
      this.recentMax,
    )) as [number, string, number];
    return res[1] ? parseUpdate(res) : null;
  }

  async setPrivate(userId: string, isPrivate: boolean): Promise<PresenceUpdate> {
    const res = (await this.r.tonearm_presence_setPrivate(
      ...this.userKeys(userId),
      '',
      userId,
      isPrivate ? 1 : 0,
      this.privateSessionMs,
      this.recentMax,
    )) as [number, string, number];
    return parseUpdate(res);
  }

  async isPrivate(userId: string): Promise<boolean> {
    return (await this.r.exists(this.keyOf('priv', userId))) === 1;
  }

  /**
   * Expires connections past their deadline; returns the users whose visible state changed. Reads
   * each bucket's due deadlines (at most `limit` per bucket), then claims them user by user.
   */
  async sweep(limit = 500): Promise<PresenceChanged[]> {
    const out: PresenceChanged[] = [];
    const now = Date.now();
    await Promise.all(
      Array.from({ length: PRESENCE_BUCKETS }, async (_, b) => {
        const due = await this.r.zrangebyscore(`${this.tag(b)}:dl`, '-inf', now, 'LIMIT', 0, limit);
        const byUser = new Map<string, string[]>();
        for (const member of due) {
          const sep = member.indexOf('|');
          if (sep < 1) continue;
          const uid = member.slice(0, sep);
          byUser.set(uid, [...(byUser.get(uid) ?? []), member.slice(sep + 1)]);
        }
        for (const [uid, conns] of byUser) {
          const res = (await this.r.tonearm_presence_expire(
            ...this.userKeys(uid),
            '',
            uid,
            this.recentMax,
            ...conns,
          )) as [number, string, number];
          if (res[0] === 1) out.push(ZPresenceChanged.parse(JSON.parse(res[1])));
        }
      }),
    );
    return out;
  }

  /**
   * Drops a user's deadlines from their bucket's set (account deletion), so no sweep writes their
   * view again; returns how many there were. Reads the whole bucket set: not for request paths.
   */
  async forget(userId: string): Promise<number> {
    const dl = `${this.tag(presenceBucket(userId))}:dl`;
    const mine = (await this.r.zrange(dl, '0', '-1')).filter((m) => m.startsWith(`${userId}|`));
    if (mine.length) await this.r.zrem(dl, ...mine);
    return mine.length;
  }

  /** Presence and recent plays of many users: one script call per bucket they fall in. */
  async readMany(userIds: string[], recentLimit = 10): Promise<Map<string, FriendPresence>> {
    const out = new Map<string, FriendPresence>();
    if (userIds.length === 0) return out;
    const byBucket = new Map<number, string[]>();
    for (const u of new Set(userIds)) {
      const b = presenceBucket(u);
      byBucket.set(b, [...(byBucket.get(b) ?? []), u]);
    }
    await Promise.all(
      [...byBucket.values()].map(async (ids) => {
        const keys = ids.flatMap((u) => [this.keyOf('v', u), this.keyOf('priv', u), this.keyOf('r', u)]);
        const rows = (await this.r.tonearm_presence_readMany(
          keys.length,
          ...keys,
          recentLimit,
          ...ids,
        )) as string[][];
        rows.forEach((row, i) => {
          const [head, ...recent] = row;
          const view = ZPresenceChanged.parse(JSON.parse(head!));
          out.set(ids[i]!, { ...view, recent: recent.map((r) => JSON.parse(r) as RecentPlay) });
        });
      }),
    );
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
