// Search: the port, its two adapters and the embedded index's sync. See docs/SEARCH.md.
import { AppError } from '@tonearm/validators';
import type { CoreDeps } from '../deps';
import type { SearchQuery, SearchResults } from './port';

export * from './atlas';
export * from './atlas-rerank';
export * from './embedded';
export * from './engines';
export { compact, fold, highlight, indexTerms, queryTerms } from './normalize';
export * from './port';
export * from './rank';
export * from './sync';

/** Grouped, ranked, highlighted results from whichever adapter this process was given. */
export async function searchCatalog(deps: CoreDeps, query: SearchQuery): Promise<SearchResults> {
  if (!deps.search) throw new AppError('SERVICE_UNAVAILABLE', { message: 'Search is not configured' });
  return deps.search.search(query);
}
