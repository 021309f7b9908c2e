// Keeps an embedded index in step with MongoDB in every server process by reading the search outbox
// (packages/db/src/models-search.ts): numbered entries written around every catalog write that
// touches a searchable field. Each process reads `_id > position` every pollMs and re-reads the
// announced ids from MongoDB (the source of truth). No timestamp decides what is read: a writer with
// a skewed clock, a retried write or a slow updateMany is applied whenever its entry becomes visible,
// and a number still missing or pending holds the position until it is settled (never skipped).
// Plays, likes and covers write no entry, so they cost the index nothing; popularity (playCount) is
// refreshed separately every popularityMs, without touching the text index.
// Why one file: the reader's position, settling of missing numbers and the catch-up are one state
// machine over the same outbox cursor; splitting it would spread that state across modules.
import {
  Album,
  Artist,
  raiseSettled,
  SearchOutbox,
  type SearchOutboxEntry,
  Song,
  searchOutboxHead,
  trimSearchOutbox,
} from '@tonearm/db';
import type { Logger } from '@tonearm/observability';
import { trusted } from 'mongoose';
import type { EmbeddedSearchIndex, IndexEntry } from './embedded';
import type { SearchKind } from './port';

export type SearchChange = { kind: SearchKind; id: string; op: 'upsert' | 'delete' };

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
};
const ALBUM_FIELDS = { title: 1, artistId: 1, artistName: 1, playCount: 1 };
const ARTIST_FIELDS = { name: 1, playCount: 1 };

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

const OBJECT_ID = /^[0-9a-f]{24}$/;

export type SearchSyncOptions = {
  log: Logger;
  /** Outbox poll interval (ms): the usual staleness. */
  pollMs?: number;
  /**
   * How long (ms, on this process's clock) a missing number or a pending entry holds the position
   * before this reader settles it itself (voids the number / re-reads the pending ids). Entries above
   * it are applied meanwhile; only the stored position waits.
   */
  settleAfterMs?: number;
  /** Entries read per query. */
  batch?: number;
  /** popularity (playCount) refresh interval (ms); plays never go through the outbox. */
  popularityMs?: number;
  /** Full id reconcile interval (ms): drops entries whose document vanished outside the models. */
  reconcileMs?: number;
  /** Outbox entries older than this (and settled) are trimmed (ms). */
  retainMs?: number;
};

export type SearchSyncStatus = {
  loaded: boolean;
  /** Every outbox number up to here has been applied or settled by this process. */
  position: number;
  /** The highest number this process has seen handed out. */
  head: number;
  /** The last poll read everything there was (no backlog) and ended at this time (ms, Date.now). */
  caughtUpAt: number | null;
  /** Numbers above the position waiting to be settled. */
  waiting: number;
};

export class SearchSync {
  private timers: NodeJS.Timeout[] = [];
  private loop: Promise<void> | undefined;
  private polling: Promise<void> | undefined;
  private stopped = true;
  private loaded = false;
  private position = 0;
  private head = 0;
  private caughtUpAt: number | null = null;
  /** Numbers above the position already applied (or voided). */
  private readonly settled = new Set<number>();
  /** Numbers above the position this process is waiting for, with when it first noticed (performance.now). */
  private readonly waitingSince = new Map<number, number>();
  private readonly pollMs: number;
  private readonly settleAfterMs: number;
  private readonly batch: number;
  /** Entries applied since start (tests and the bench read it). */
  applied = 0;

  constructor(
    readonly index: EmbeddedSearchIndex,
    private readonly opts: SearchSyncOptions,
  ) {
    this.pollMs = opts.pollMs ?? 250;
    this.settleAfterMs = opts.settleAfterMs ?? 10_000;
    this.batch = opts.batch ?? 500;
  }

  status(): SearchSyncStatus {
    return {
      loaded: this.loaded,
      position: this.position,
      head: this.head,
      caughtUpAt: this.caughtUpAt,
      waiting: this.waitingSince.size,
    };
  }

  /**
   * Ready for traffic: the index is loaded and a recent poll (within 3 poll intervals, at least 5 s)
   * read the outbox to its end.
   */
  caughtUp(now = Date.now()): boolean {
    return (
      this.loaded && this.caughtUpAt !== null && now - this.caughtUpAt <= Math.max(3 * this.pollMs, 5_000)
    );
  }

  /** Rejects unless caughtUp() (the /readyz check). */
  async ready(): Promise<void> {
    if (!this.caughtUp()) {
      const s = this.status();
      throw new Error(`search index not caught up (loaded=${s.loaded}, position ${s.position} of ${s.head})`);
    }
  }

  /**
   * Loads the catalog (first start) or resumes from the stored position (a restart of this sync: its
   * index and position survive stop()), then polls. A first load starts from the readers' settled
   * position taken before the load, so a write racing the load is re-read after it.
   */
  async start(): Promise<void> {
    this.stopped = false;
    if (!this.loaded) await this.fullLoad();
    if (this.stopped) return;
    await this.poll();
    this.loop = this.run();
    this.timers.push(
      setInterval(() => void this.refreshPopularity().catch(() => {}), this.opts.popularityMs ?? 600_000),
    );
    this.timers.push(
      setInterval(() => void this.reconcile().catch(() => {}), this.opts.reconcileMs ?? 600_000),
    );
    this.timers.push(
      setInterval(
        () => void trimSearchOutbox(this.opts.retainMs ?? 86_400_000).catch(() => {}),
        Math.min(this.opts.retainMs ?? 86_400_000, 600_000),
      ),
    );
    for (const t of this.timers) t.unref();
  }

  /** Stops polling; the index and the position stay, so start() again catches up from there. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.loop;
    await this.polling;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, this.pollMs).unref());
      if (this.stopped) break;
      await this.poll();
    }
  }

  private async fullLoad(): Promise<void> {
    const t0 = performance.now();
    const { settledThrough } = await searchOutboxHead();
    for (const src of SOURCES) await this.load(src.kind);
    this.position = settledThrough;
    this.settled.clear();
    this.waitingSince.clear();
    this.loaded = true;
    this.opts.log.info(
      {
        'search.documents': this.index.size,
        'search.position': this.position,
        'event.duration': Math.round((performance.now() - t0) * 1e6),
      },
      'search index loaded',
    );
  }

  /** Reads the outbox from the position to its end (several batches if behind). Never throws. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      const head = await searchOutboxHead();
      this.head = Math.max(this.head, head.seq);
      if (this.position < head.trimmedThrough) {
        // This process was away longer than the outbox keeps entries: reload rather than miss some.
        this.opts.log.warn(
          { 'search.position': this.position },
          'search outbox trimmed past our position; reloading',
        );
        this.loaded = false;
        await this.fullLoad();
      }
      for (;;) {
        const rows = await SearchOutbox.find({ _id: trusted({ $gt: this.position }) })
          .sort({ _id: 1 })
          .limit(this.batch)
          .lean<SearchOutboxEntry[]>();
        await this.take(rows);
        await this.settleOverdue();
        const before = this.position;
        this.advance();
        if (this.position > before) await raiseSettled(this.position).catch(() => {});
        if (rows.length < this.batch || this.stopped) break;
        // A full batch: there may be more; but if nothing moved (all waiting), stop for this round.
        if (
          rows.every((r) => this.settled.has(r._id) || this.waitingSince.has(r._id)) &&
          this.position === before
        )
          break;
      }
      this.caughtUpAt = Date.now();
    } catch (err) {
      this.opts.log.warn({ err }, 'search outbox poll failed; retrying');
    }
  }

  /** Applies what is done, notes what is pending and which numbers are missing. */
  private async take(rows: SearchOutboxEntry[]): Promise<void> {
    const now = performance.now();
    const ready: SearchOutboxEntry[] = [];
    let expected = this.position + 1;
    for (const row of rows) {
      for (let g = expected; g < row._id; g++)
        if (!this.settled.has(g) && !this.waitingSince.has(g)) this.waitingSince.set(g, now);
      expected = row._id + 1;
      if (this.settled.has(row._id)) continue;
      if (row.state === 'pending') {
        if (!this.waitingSince.has(row._id)) this.waitingSince.set(row._id, now);
        continue;
      }
      ready.push(row);
    }
    await this.applyEntries(ready);
  }

  private async applyEntries(rows: SearchOutboxEntry[]): Promise<void> {
    if (!rows.length) return;
    const byKind = new Map<SearchKind, Set<string>>();
    for (const r of rows) {
      if (r.state === 'void') continue;
      const set = byKind.get(r.kind) ?? new Set<string>();
      byKind.set(r.kind, set);
      for (const id of r.ids) set.add(id);
    }
    const changes: SearchChange[] = [];
    for (const [kind, ids] of byKind) for (const id of ids) changes.push({ kind, id, op: 'upsert' });
    await this.apply(changes);
    for (const r of rows) {
      this.settled.add(r._id);
      this.waitingSince.delete(r._id);
    }
    this.applied += rows.length;
  }

  /** Numbers that waited past settleAfterMs: this reader settles them itself. */
  private async settleOverdue(): Promise<void> {
    const now = performance.now();
    for (const [seq, since] of [...this.waitingSince]) {
      if (now - since < this.settleAfterMs) continue;
      // A number nobody inserted (a writer died between taking it and inserting): void it. If the
      // writer's insert lands first, the duplicate key tells us and we read its entry instead.
      try {
        await SearchOutbox.collection.insertOne({
          _id: seq,
          kind: 'song',
          ids: [],
          state: 'void',
          at: new Date(),
        } as never);
        this.settled.add(seq);
        this.waitingSince.delete(seq);
        continue;
      } catch (e) {
        if ((e as { code?: number }).code !== 11000) throw e;
      }
      // It exists: pending past the timeout (a writer that died after announcing, or a slow write):
      // mark it resolved and re-read its ids now; a writer still running re-announces when done.
      const resolved = await SearchOutbox.findOneAndUpdate(
        { _id: seq, state: 'pending' },
        { $set: { state: 'resolved' } },
        { returnDocument: 'after' },
      ).lean<SearchOutboxEntry>();
      const row = resolved ?? (await SearchOutbox.findById(seq).lean<SearchOutboxEntry>());
      if (row) await this.applyEntries([row]);
    }
  }

  /** Moves the position over every settled number in a row. */
  private advance(): void {
    while (this.settled.has(this.position + 1)) {
      this.settled.delete(this.position + 1);
      this.position++;
    }
    this.head = Math.max(this.head, this.position);
  }

  /** Applies changes by id: each re-read from MongoDB (the source of truth); gone or unready ids leave. */
  async apply(changes: SearchChange[]): Promise<void> {
    for (const src of SOURCES) {
      const mine = changes.filter((c) => c.kind === src.kind && OBJECT_ID.test(c.id));
      for (const c of mine) if (c.op === 'delete') this.index.remove(src.kind, c.id);
      const ids = [...new Set(mine.filter((c) => c.op === 'upsert').map((c) => c.id))];
      for (let i = 0; i < ids.length; i += 1_000) {
        const part = ids.slice(i, i + 1_000);
        const docs = await (src.model as typeof Artist)
          .find({ _id: trusted({ $in: part }) }, src.fields)
          .lean<Lean[]>();
        const found = new Set(docs.map((d) => String(d._id)));
        for (const id of part) if (!found.has(id)) this.index.remove(src.kind, id);
        this.ingest(src.kind, docs);
      }
    }
  }

  /** Re-reads playCount of everything (popularity only: the text index is not touched). */
  async refreshPopularity(): Promise<number> {
    let changed = 0;
    for (const src of SOURCES) {
      const cursor = (src.model as typeof Artist)
        .find({}, { playCount: 1 })
        .lean<{ _id: unknown; playCount?: number }>()
        .cursor({ batchSize: 10_000 });
      for await (const d of cursor) {
        if (this.index.setPlayCount(src.kind, String(d._id), Number(d.playCount ?? 0))) changed++;
      }
    }
    return changed;
  }

  /** Drops entries whose document is gone (deleted outside the models, e.g. by a shell). */
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

  private async load(kind: SearchKind): Promise<void> {
    const src = SOURCES.find((s) => s.kind === kind)!;
    const cursor = (src.model as typeof Artist)
      .find({}, src.fields)
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
    for (const d of docs) {
      const e = toEntry(kind, d);
      if (e) upserts.push(e);
      else this.index.remove(kind, String(d._id));
    }
    if (upserts.length) this.index.upsert(upserts);
  }
}
