// The embedded search index: artists, albums and playable songs in process memory, over a text engine
// (engines.ts). It ranks, groups and highlights; sync.ts keeps it in step with MongoDB. Each server
// process holds its own copy (about 100 MB at 100,000 songs: see docs/SEARCH.md).
import { type EngineDoc, miniSearchEngine, type TextEngine } from './engines';
import { compact, highlight, indexTerms, queryTerms } from './normalize';
import {
  type AlbumHit,
  type ArtistHit,
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_LIMIT,
  type SearchKind,
  type SearchPort,
  type SearchQuery,
  type SearchResults,
  type SongHit,
} from './port';

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
      };
    case 'artist':
      return { id: key('artist', e.id), name: indexTerms(e.name), artist: [], album: [] };
    case 'album':
      return {
        id: key('album', e.id),
        name: indexTerms(e.title),
        artist: indexTerms(e.artistName),
        album: [],
      };
  }
}

const nameOf = (e: IndexEntry) => (e.kind === 'artist' ? e.name : e.title);

/**
 * Popularity may lift a result by at most half its relevance: it decides between matches of similar
 * relevance ("Bad Bony": Bad Bunny, two edits and hugely played, over Bad Bonny, one edit and obscure)
 * but cannot lift a weak match above a clearly better one. Exact and complete matches rank first.
 */
const POPULARITY_WEIGHT = 0.5;

export type EmbeddedIndexOptions = { engine?: TextEngine; candidates?: number };

export class EmbeddedSearchIndex implements SearchPort {
  readonly engine = 'embedded' as const;
  private readonly text: TextEngine;
  private readonly entries = new Map<string, IndexEntry>();
  private readonly candidates: number;
  private maxLogPlays = 1;

  constructor(opts: EmbeddedIndexOptions = {}) {
    this.text = opts.engine ?? miniSearchEngine();
    this.candidates = opts.candidates ?? 200;
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
      this.maxLogPlays = Math.max(this.maxLogPlays, Math.log10(1 + e.playCount));
      // A popularity change alone does not touch the text index.
      if (old && sameText(old, e)) continue;
      docs.push(toEngineDoc(e));
    }
    if (docs.length) this.text.add(docs);
  }

  remove(kind: SearchKind, id: string): void {
    const k = key(kind, id);
    if (!this.entries.delete(k)) return;
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
    if (terms.length === 0) return out;
    const last = terms.at(-1);
    const qCompact = compact(query.q);

    type Ranked = { e: IndexEntry; tier: number; score: number };
    const ranked: Ranked[] = [];
    for (const hit of this.text.search(terms, this.candidates)) {
      const e = this.entries.get(hit.id);
      if (!e || !kinds.has(e.kind)) continue;
      const nameCompact = compact(nameOf(e));
      // Tier 2: the whole name typed exactly (up to case, accents, punctuation and spacing);
      // tier 1: the query is the start of the name (search-as-you-type); tier 0: anything else.
      const tier =
        nameCompact === qCompact ? 2 : qCompact.length >= 3 && nameCompact.startsWith(qCompact) ? 1 : 0;
      const pop = Math.log10(1 + e.playCount) / this.maxLogPlays;
      ranked.push({ e, tier, score: hit.score * (1 + POPULARITY_WEIGHT * pop) });
    }
    ranked.sort((a, b) => b.tier - a.tier || b.score - a.score || b.e.playCount - a.e.playCount);

    const hl = (s: string | null) => (s ? highlight(s, terms, last) : []);
    for (const { e, score } of ranked) {
      const s = Math.round(score * 1000) / 1000;
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
          highlights: { title: hl(e.title), artistName: hl(e.artistName), albumTitle: hl(e.albumTitle) },
        };
        out.songs.push(h);
      } else if (e.kind === 'artist' && out.artists.length < limit) {
        const h: ArtistHit = {
          id: e.id,
          name: e.name,
          playCount: e.playCount,
          score: s,
          highlights: { name: hl(e.name) },
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
          highlights: { title: hl(e.title), artistName: hl(e.artistName) },
        };
        out.albums.push(h);
      }
    }
    return out;
  }
}

function sameText(a: IndexEntry, b: IndexEntry): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'artist' && b.kind === 'artist') return a.name === b.name;
  if (a.kind === 'album' && b.kind === 'album') return a.title === b.title && a.artistName === b.artistName;
  if (a.kind === 'song' && b.kind === 'song')
    return a.title === b.title && a.artistName === b.artistName && a.albumTitle === b.albumTitle;
  return false;
}
