// Search-as-you-type over songs, artists and albums (search.* from issue 6), grouped, with the
// matched spans for highlighting.
import type { SearchResults } from '../types';
import { type Loadable, unavailable } from './feature';

export function useSearch(_query: string): Loadable<SearchResults> {
  return unavailable('Search');
}
