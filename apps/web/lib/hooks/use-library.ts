// The person's library of liked songs (library.like / library.likes from issue 3).
import type { Track } from '../types';
import { type Action, type Loadable, unavailable, unavailableAction } from './feature';

export function useLikes(_enabled: boolean): Loadable<Track[]> {
  return unavailable('Your library');
}

export function useToggleLike(): Action<{ songId: string; liked: boolean }, void> {
  return unavailableAction('Likes');
}
