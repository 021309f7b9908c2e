// Keeps an embedded index in step with MongoDB in every server process: Redis pub/sub change
// notifications for immediacy (a write publishes, every process applies it at once), a catch-up poll
// on updatedAt every second for writes whose notification was lost or never sent, and a periodic
// reconcile of ids for deletes nobody announced. Each process keeps its own index; all converge.
import { Album, Artist, Song } from '@tonearm/db';
import type { Logger } from '@tonearm/observability';
import { duplicateRedis, type RedisClient as Redis } from '@tonearm/cache';
import { trusted } from 'mongoose';
import type { EmbeddedSearchIndex, IndexEntry } from './embedded';
import type { SearchKind } from './port';

export const SEARCH_CHANNEL = 'search:changes';

export type SearchChange = { kind: SearchKind; id: string; op: 'upsert' | 'delete' };

/**
 * Announces catalog writes to every process's index. Call after the MongoDB write succeeded (create,
 * rename, delete, media becoming ready). Losing one is tolerated: the catch-up poll finds upserts
 * within a second and the reconcile finds deletes.
 */
export async function publishSearchChanges(
  redis: Redis,
  changes: SearchChange[],
  channel = SEARCH_CHANNEL,
): Promise<void> {
  if (changes.length) await redis.publish(channel, JSON.stringify(changes));
}

type Lean = Record<string, unknown> & { _id: unknown };
const str = (v: unknown) => (v == null ? null : String(v));

const SONG_FIELDS = {
  title: 1,
  artistId: 1,
  artistName: 1,
  albumId: 1,
  albumTitle: 1,
  playCount: 1,
  'media.status': 1,
  updatedAt: 1,
};
const ALBUM_FIELDS = { title: 1, artistId: 1, artistName: 1, playCount: 1, updatedAt: 1 };
const ARTIST_FIELDS = { name: 1, playCount: 1, updatedAt: 1 };

/** Only playable songs are searchable; a song that is not ready is treated as absent. */
function toEntry(kind: SearchKind, d: Lean): IndexEntry | null {
  const id = String(d._id);
  const playCount = Number(d.playCount ?? 0);
  if (kind === 'artist') return { kind, id, name: String(d.name), playCount };
  if (kind === 'album')
    return {
      kind,
      id,
      title: String(d.title),
      artistId: String(d.artistId),
      artistName: String(d.artistName),
      playCount,
    };
  if ((d.media as { status?: string } | undefined)?.status !== 'ready') return null;
  return {
    kind,
    id,
    title: String(d.title),
    artistId: String(d.artistId),
    artistName: String(d.artistName),
    albumId: str(d.albumId),
    albumTitle: str(d.albumTitle),
    playCount,
  };
}

const SOURCES = [
  { kind: 'artist', model: Artist, fields: ARTIST_FIELDS },
  { kind: 'album', model: Album, fields: ALBUM_FIELDS },
  { kind: 'song', model: Song, fields: SONG_FIELDS },
] as const;

export type SearchSyncOptions = {
  /** A Redis connection to duplicate for the subscription (a subscriber cannot run other commands). */
  redis: Redis;
  log: Logger;
  channel?: string;
  /** Catch-up poll interval (ms): the bound on staleness when a notification is lost. */
  pollMs?: number;
  /** Full id reconcile interval (ms): the bound on a missed delete. */
  reconcileMs?: number;
};

/** Writes whose updatedAt lands this long before the watermark are still picked up (clock skew). */
const OVERLAP_MS = 2_000;

export class SearchSync {
  private sub: Redis | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly watermark = new Map<SearchKind, Date>();
  private polling = false;
  private stopped = false;
  readonly channel: string;

  constructor(
    readonly index: EmbeddedSearchIndex,
    private readonly opts: SearchSyncOptions,
  ) {
    this.channel = opts.channel ?? SEARCH_CHANNEL;
  }

  /** Subscribes first (so nothing published during the load is lost), then loads everything. */
  async start(): Promise<void> {
    this.sub = duplicateRedis(this.opts.redis, { enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.sub.on('error', (err) => this.opts.log.warn({ err }, 'search subscriber error'));
    this.sub.on('message', (_ch: string, msg: string) => {
      void this.onMessage(msg);
    });
    await this.sub.subscribe(this.channel);
    const t0 = performance.now();
    for (const src of SOURCES) await this.load(src.kind, {});
    this.opts.log.info(
      { 'search.documents': this.index.size, 'event.duration': Math.round((performance.now() - t0) * 1e6) },
      'search index loaded',
    );
    if (this.stopped) return;
    this.timers.push(setInterval(() => void this.catchUp(), this.opts.pollMs ?? 1_000));
    this.timers.push(setInterval(() => void this.reconcile(), this.opts.reconcileMs ?? 60_000));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.sub?.disconnect();
  }

  private async onMessage(msg: string): Promise<void> {
    let changes: SearchChange[];
    try {
      changes = JSON.parse(msg) as SearchChange[];
    } catch {
      return;
    }
    try {
      await this.apply(changes);
    } catch (err) {
      this.opts.log.warn({ err }, 'search change not applied; the catch-up poll will retry');
    }
  }

  /** Applies announced changes: deletes at once, upserts re-read from MongoDB (the source of truth). */
  async apply(changes: SearchChange[]): Promise<void> {
    for (const src of SOURCES) {
      const mine = changes.filter((c) => c.kind === src.kind && /^[0-9a-f]{24}$/.test(c.id));
      for (const c of mine) if (c.op === 'delete') this.index.remove(src.kind, c.id);
      const ids = mine.filter((c) => c.op === 'upsert').map((c) => c.id);
      if (!ids.length) continue;
      const docs = await this.fetch(src.kind, { _id: trusted({ $in: ids }) });
      const found = new Set(docs.map((d) => String(d._id)));
      for (const id of ids) if (!found.has(id)) this.index.remove(src.kind, id);
      this.ingest(src.kind, docs);
    }
  }

  /** Re-reads what changed since the last poll (by updatedAt, with an overlap for clock skew). */
  async catchUp(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      for (const src of SOURCES) {
        const since = this.watermark.get(src.kind);
        await this.load(
          src.kind,
          since ? { updatedAt: trusted({ $gt: new Date(since.getTime() - OVERLAP_MS) }) } : {},
        );
      }
    } catch (err) {
      this.opts.log.warn({ err }, 'search catch-up failed');
    } finally {
      this.polling = false;
    }
  }

  /** Drops entries whose document is gone (a delete whose notification was lost). */
  async reconcile(): Promise<number> {
    let dropped = 0;
    for (const src of SOURCES) {
      const filter = src.kind === 'song' ? { 'media.status': 'ready' } : {};
      const rows = await (src.model as typeof Artist).find(filter, { _id: 1 }).lean();
      const live = new Set(rows.map((r) => String(r._id)));
      for (const id of this.index.ids(src.kind)) {
        if (!live.has(id)) {
          this.index.remove(src.kind, id);
          dropped++;
        }
      }
    }
    return dropped;
  }

  private async fetch(kind: SearchKind, filter: Record<string, unknown>): Promise<Lean[]> {
    const src = SOURCES.find((s) => s.kind === kind)!;
    return (src.model as typeof Artist).find(filter, src.fields).lean<Lean[]>();
  }

  private async load(kind: SearchKind, filter: Record<string, unknown>): Promise<void> {
    const src = SOURCES.find((s) => s.kind === kind)!;
    const cursor = (src.model as typeof Artist)
      .find(filter, src.fields)
      .lean<Lean>()
      .cursor({ batchSize: 5_000 });
    let batch: Lean[] = [];
    for await (const doc of cursor) {
      batch.push(doc as Lean);
      if (batch.length >= 5_000) {
        this.ingest(kind, batch);
        batch = [];
      }
    }
    this.ingest(kind, batch);
  }

  private ingest(kind: SearchKind, docs: Lean[]): void {
    const upserts: IndexEntry[] = [];
    let latest = this.watermark.get(kind);
    for (const d of docs) {
      const e = toEntry(kind, d);
      if (e) upserts.push(e);
      else this.index.remove(kind, String(d._id));
      const at = d.updatedAt instanceof Date ? d.updatedAt : null;
      if (at && (!latest || at > latest)) latest = at;
    }
    if (upserts.length) this.index.upsert(upserts);
    if (latest) this.watermark.set(kind, latest);
  }
}
