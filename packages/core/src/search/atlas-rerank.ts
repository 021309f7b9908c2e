// Re-ranking of Atlas Search rows by the shared rules (rank.ts), so both adapters order a query the
// same way, apply the same relevance floor and give the same closest matches. Split from atlas.ts,
// which builds the pipelines and maps Atlas's rows.
import { highlight, queryTerms, type Span } from './normalize';
import { closestOf, type SearchKind, type SearchResults, withTopResult } from './port';
import { CLOSEST_FLOOR, rankFields, rankMatch, rankQuery } from './rank';

/**
 * Orders Atlas's rows by the shared ranking rules (rank.ts) so both adapters agree, drops rows under
 * the relevance floor, and fills the top result and group order. Popularity is scaled over the rows.
 */
export function rerank(r: SearchResults, limit: number): SearchResults {
  const ranked = rankRows(r, limit);
  const rq = rankQuery(r.q);
  // Nothing cleared the floor: the closest matches among the same rows (the compound query is an OR
  // of the words, so rows matching one word are there), apart from the results, as embedded.ts does.
  if (ranked.songs.length + ranked.artists.length + ranked.albums.length === 0 && rq.required.length >= 2) {
    const near = rankRows(r, limit, CLOSEST_FLOOR);
    if (near.songs.length + near.artists.length + near.albums.length)
      return { ...withTopResult({ ...r, ...ranked }), closest: closestOf(near) };
  }
  return withTopResult({ ...r, ...ranked });
}

function rankRows(
  r: SearchResults,
  limit: number,
  minMatched?: number,
): Pick<SearchResults, 'songs' | 'artists' | 'albums'> {
  const rq = rankQuery(r.q);
  const terms = queryTerms(r.q);
  const last = terms.at(-1);
  const maxLog = Math.max(
    1,
    ...[...r.songs, ...r.artists, ...r.albums].map((h) => Math.log10(1 + h.playCount)),
  );
  const pop = (n: number) => Math.log10(1 + n) / maxLog;
  // Atlas highlights word hits; a whole-name typo match ("Bad Bony" → Bad Bunny) highlights the name.
  const hl = (text: string | null, spans: Span[], whole: boolean | undefined) =>
    whole && text ? highlight(text, terms, last, { whole: true }) : spans;
  const order = <T extends { score: number; playCount: number }>(
    hits: T[],
    fields: (h: T) => (string | null)[],
    kind: SearchKind,
    withHl: (h: T, whole: boolean[]) => T,
  ): T[] =>
    hits
      .flatMap((h) => {
        const m = rankMatch(rq, rankFields(fields(h)), kind, pop(h.playCount), minMatched);
        return m ? [{ ...withHl(h, m.wholeFields), score: m.score }] : [];
      })
      .sort((a, b) => b.score - a.score || b.playCount - a.playCount)
      .slice(0, limit);
  return {
    songs: order(
      r.songs,
      (h) => [h.title, h.artistName, h.albumTitle],
      'song',
      (h, w) => ({
        ...h,
        highlights: {
          title: hl(h.title, h.highlights.title, w[0]),
          artistName: hl(h.artistName, h.highlights.artistName, w[1]),
          albumTitle: hl(h.albumTitle, h.highlights.albumTitle, w[2]),
        },
      }),
    ),
    artists: order(
      r.artists,
      (h) => [h.name],
      'artist',
      (h, w) => ({ ...h, highlights: { name: hl(h.name, h.highlights.name, w[0]) } }),
    ),
    albums: order(
      r.albums,
      (h) => [h.title, h.artistName],
      'album',
      (h, w) => ({
        ...h,
        highlights: {
          title: hl(h.title, h.highlights.title, w[0]),
          artistName: hl(h.artistName, h.highlights.artistName, w[1]),
        },
      }),
    ),
  };
}
