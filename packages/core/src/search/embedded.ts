// The embedded search index: artists, albums and playable songs in process memory, over a text engine
// (engines.ts). It ranks, groups and highlights; sync.ts keeps it in step with MongoDB. Each server
// process holds its own copy (about 100 MB at 100,000 songs: see docs/SEARCH.md).
import { type EngineDoc, miniSearchEngine, type TextEngine } from './engines';
import { highlight, indexTerms, queryTerms, wholeForms } from './normalize';
import {
  type AlbumHit,
  type ArtistHit,
  closestOf,
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_LIMIT,
  type SearchKind,
  type SearchPort,
  type SearchQuery,
  type SearchResults,
  type SongHit,
  withTopResult,
} from './port';
import {
  CLOSEST_FLOOR,
  type RankFields,
  type RankMatch,
  type RankQuery,
  rankFields,
  rankMatch,
  rankQuery,
} from './rank';

/** What the index keeps per entry: display fields and popularity. */
export type IndexEntry =
  | {
      kind: 'song';
      id: string;
      title: string;
      artistId: string;
      artistName: string;
      albumId: string | null;
      albumTitle: string | null;
      playCount: number;
    }
  | { kind: 'artist'; id: string; name: string; playCount: number }
  | { kind: 'album'; id: string; title: string; artistId: string; artistName: string; playCount: number };

const TAG: Record<SearchKind, string> = { song: 's', artist: 'r', album: 'l' };
const key = (kind: SearchKind, id: string) => `${TAG[kind]}:${id}`;

function toEngineDoc(e: IndexEntry): EngineDoc {
  switch (e.kind) {
    case 'song':
      return {
        id: key('song', e.id),
        name: indexTerms(e.title),
        artist: indexTerms(e.artistName),
        album: indexTerms(e.albumTitle ?? ''),
        whole: [...wholeForms(e.title), ...wholeForms(e.artistName), ...wholeForms(e.albumTitle ?? '')],
      };
    case 'artist':
      return {
        id: key('artist', e.id),
        name: indexTerms(e.name),
        artist: [],
        album: [],
        whole: wholeForms(e.name),
      };
    case 'album':
      return {
        id: key('album', e.id),
        name: indexTerms(e.title),
        artist: indexTerms(e.artistName),
        album: [],
        whole: [...wholeForms(e.title), ...wholeForms(e.artistName)],
      };
  }
}

/** A candidate's fields for ranking, primary first (rank.ts). */
function fieldsOf(e: IndexEntry): (string | null)[] {
  if (e.kind === 'artist') return [e.name];
  if (e.kind === 'album') return [e.title, e.artistName];
  return [e.title, e.artistName, e.albumTitle];
}

export type EmbeddedIndexOptions = { engine?: TextEngine; candidates?: number };

export class EmbeddedSearchIndex implements SearchPort {
  readonly engine = 'embedded' as const;
  private readonly text: TextEngine;
  private readonly entries = new Map<string, IndexEntry>();
  private readonly prepared = new Map<string, RankFields>();
  private readonly candidates: number;
  private maxLogPlays = 1;

  constructor(opts: EmbeddedIndexOptions = {}) {
    this.text = opts.engine ?? miniSearchEngine();
    this.candidates = opts.candidates ?? 300;
  }

  get size(): number {
    return this.entries.size;
  }
  get engineName(): string {
    return this.text.name;
  }

  upsert(entries: IndexEntry[]): void {
    const docs: EngineDoc[] = [];
    for (const e of entries) {
      const k = key(e.kind, e.id);
      const old = this.entries.get(k);
      this.entries.set(k, e);
      if (!old || !sameText(old, e)) this.prepared.set(k, rankFields(fieldsOf(e)));
      this.maxLogPlays = Math.max(this.maxLogPlays, Math.log10(1 + e.playCount));
      // A popularity change alone does not touch the text index.
      if (old && sameText(old, e)) continue;
      docs.push(toEngineDoc(e));
    }
    if (docs.length) this.text.add(docs);
  }

  /** Popularity alone changed (plays): no text re-index. Returns whether the entry exists and changed. */
  setPlayCount(kind: SearchKind, id: string, playCount: number): boolean {
    const e = this.entries.get(key(kind, id));
    if (!e || e.playCount === playCount) return false;
    this.entries.set(key(kind, id), { ...e, playCount } as IndexEntry);
    this.maxLogPlays = Math.max(this.maxLogPlays, Math.log10(1 + playCount));
    return true;
  }

  /** The entry as the index holds it (tests and the bench compare it with MongoDB). */
  get(kind: SearchKind, id: string): IndexEntry | undefined {
    return this.entries.get(key(kind, id));
  }

  remove(kind: SearchKind, id: string): void {
    const k = key(kind, id);
    if (!this.entries.delete(k)) return;
    this.prepared.delete(k);
    this.text.remove(k);
  }

  has(kind: SearchKind, id: string): boolean {
    return this.entries.has(key(kind, id));
  }

  ids(kind: SearchKind): string[] {
    const p = `${TAG[kind]}:`;
    return [...this.entries.keys()].filter((k) => k.startsWith(p)).map((k) => k.slice(2));
  }

  async search(query: SearchQuery): Promise<SearchResults> {
    return this.searchSync(query);
  }

  searchSync(query: SearchQuery): SearchResults {
    const limit = Math.min(query.limit ?? DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
    const kinds = new Set<SearchKind>(query.kinds ?? ['song', 'artist', 'album']);
    const out: SearchResults = { q: query.q, engine: 'embedded', songs: [], artists: [], albums: [] };
    const terms = queryTerms(query.q);
    if (terms.length === 0) return withTopResult(out);
    const rq = rankQuery(query.q);
    const ranked = this.rank(rq, terms, kinds);
    const r = withTopResult({ ...out, ...this.hits(ranked, terms, limit) });
    // Nothing cleared the floor: the closest matches (each matching some of the typed words), apart
    // from the results so that nobody shows them as matches (rank.ts, CLOSEST_FLOOR).
    if (ranked.length === 0 && rq.required.length >= 2) {
      const near = this.rank(rq, terms, kinds, CLOSEST_FLOOR);
      if (near.length) return { ...r, closest: closestOf(this.hits(near, terms, limit)) };
    }
    return r;
  }

  /**
   * Candidates (word matches within each word's typo budget, and whole-name matches), ranked by the
   * rules of rank.ts; what falls below the relevance floor (or `floor` words matched) is dropped.
   */
  private rank(
    rq: RankQuery,
    terms: string[],
    kinds: Set<SearchKind>,
    floor?: number,
  ): { e: IndexEntry; m: RankMatch }[] {
    const ids = new Set<string>();
    for (const hit of this.text.search(terms, this.candidates)) ids.add(hit.id);
    for (const c of new Set([rq.compact, rq.compactNum]))
      for (const hit of this.text.searchWhole?.(c, this.candidates) ?? []) ids.add(hit.id);
    const ranked: { e: IndexEntry; m: RankMatch }[] = [];
    for (const id of ids) {
      const e = this.entries.get(id);
      const f = this.prepared.get(id);
      if (!e || !f || !kinds.has(e.kind)) continue;
      const pop = Math.log10(1 + e.playCount) / this.maxLogPlays;
      const m = rankMatch(rq, f, e.kind, pop, floor);
      if (m) ranked.push({ e, m });
    }
    return ranked.sort((a, b) => b.m.score - a.m.score || b.e.playCount - a.e.playCount);
  }

  /** Ranked entries as grouped hits with highlight spans, `limit` per group. */
  private hits(ranked: { e: IndexEntry; m: RankMatch }[], terms: string[], limit: number): Groups {
    const out: Groups = { songs: [], artists: [], albums: [] };
    const last = terms.at(-1);
    const hl = (s: string | null, whole = false) => (s ? highlight(s, terms, last, { whole }) : []);
    for (const { e, m } of ranked) {
      const s = m.score;
      const w = m.wholeFields;
      if (e.kind === 'song' && out.songs.length < limit) {
        const h: SongHit = {
          id: e.id,
          title: e.title,
          artistId: e.artistId,
          artistName: e.artistName,
          albumId: e.albumId,
          albumTitle: e.albumTitle,
          playCount: e.playCount,
          score: s,
          highlights: {
            title: hl(e.title, w[0]),
            artistName: hl(e.artistName, w[1]),
            albumTitle: hl(e.albumTitle, w[2]),
          },
        };
        out.songs.push(h);
      } else if (e.kind === 'artist' && out.artists.length < limit) {
        const h: ArtistHit = {
          id: e.id,
          name: e.name,
          playCount: e.playCount,
          score: s,
          highlights: { name: hl(e.name, w[0]) },
        };
        out.artists.push(h);
      } else if (e.kind === 'album' && out.albums.length < limit) {
        const h: AlbumHit = {
          id: e.id,
          title: e.title,
          artistId: e.artistId,
          artistName: e.artistName,
          playCount: e.playCount,
          score: s,
          highlights: { title: hl(e.title, w[0]), artistName: hl(e.artistName, w[1]) },
        };
        out.albums.push(h);
      }
    }
    return out;
  }
}

type Groups = Pick<SearchResults, 'songs' | 'artists' | 'albums'>;

function sameText(a: IndexEntry, b: IndexEntry): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'artist' && b.kind === 'artist') return a.name === b.name;
  if (a.kind === 'album' && b.kind === 'album') return a.title === b.title && a.artistName === b.artistName;
  if (a.kind === 'song' && b.kind === 'song')
    return a.title === b.title && a.artistName === b.artistName && a.albumTitle === b.albumTitle;
  return false;
}
