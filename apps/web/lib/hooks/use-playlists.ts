// Playlists (playlist.* from issue 3): the person's own list, one playlist, and every edit. Edits
// name the revision they saw, so two tabs never interleave changes.
import type { PlaylistSummary, PlaylistView } from '../types';
import { type Action, type Loadable, unavailable, unavailableAction } from './feature';

export function useMyPlaylists(_enabled: boolean): Loadable<PlaylistSummary[]> {
  return unavailable('Playlists');
}

export function usePlaylist(_id: string): Loadable<PlaylistView> {
  return unavailable('Playlists');
}

export type PlaylistActions = {
  create: Action<{ name: string; isPublic: boolean }, { id: string }>;
  rename: Action<{ id: string; name: string; revision: number }, void>;
  setPublic: Action<{ id: string; isPublic: boolean; revision: number }, void>;
  addSong: Action<{ id: string; songId: string }, void>;
  removeEntry: Action<{ id: string; entryId: string; revision: number }, void>;
  moveEntry: Action<{ id: string; entryId: string; toIndex: number; revision: number }, void>;
  remove: Action<{ id: string }, void>;
};

export function usePlaylistActions(): PlaylistActions {
  return {
    create: unavailableAction('Playlists'),
    rename: unavailableAction('Playlists'),
    setPublic: unavailableAction('Playlists'),
    addSong: unavailableAction('Playlists'),
    removeEntry: unavailableAction('Playlists'),
    moveEntry: unavailableAction('Playlists'),
    remove: unavailableAction('Playlists'),
  };
}
