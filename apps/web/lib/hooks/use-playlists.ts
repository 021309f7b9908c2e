// Playlists (playlist.*): the person's own list, one playlist, and every edit. Edits name the
// revision they saw (a stale one gets CONFLICT), and each returns the new revision.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { type PlaylistSummary, type PlaylistView, toTrack } from '../types';
import { type Action, fromMutation, fromQuery, type Loadable } from './feature';
import { useSession } from './use-auth';

const MINE_PAGE = 100;

export function useMyPlaylists(enabled: boolean): Loadable<PlaylistSummary[]> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.playlist.mine.queryOptions({ limit: MINE_PAGE }),
      enabled,
      select: (page) =>
        page.items.map((p) => ({
          id: p.id,
          name: p.name,
          isPublic: p.isPublic,
          trackCount: p.entryCount,
          revision: p.revision,
          owner: null,
        })),
    }),
  );
}

export function usePlaylist(id: string): Loadable<PlaylistView> {
  const trpc = useTRPC();
  const session = useSession();
  const viewerId = session.data?.id ?? null;
  const q = fromQuery(useQuery(trpc.playlist.byId.queryOptions({ id })));
  if (!q.data) return { ...q, data: undefined };
  const p = q.data;
  return {
    ...q,
    data: {
      id: p.id,
      name: p.name,
      description: p.description,
      isPublic: p.isPublic,
      revision: p.revision,
      trackCount: p.entries.length,
      owner: null,
      isOwner: viewerId !== null && p.ownerId === viewerId,
      entries: p.entries.flatMap((e) => (e.song ? [{ entryId: e.entryId, track: toTrack(e.song) }] : [])),
    },
  };
}

type Rev = { revision: number };

export type PlaylistActions = {
  create: Action<{ name: string; isPublic: boolean }, { id: string }>;
  rename: Action<{ id: string; name: string; revision: number }, Rev>;
  setPublic: Action<{ id: string; isPublic: boolean; revision: number }, Rev>;
  addSong: Action<{ id: string; songId: string; revision: number }, Rev>;
  removeEntry: Action<{ id: string; entryId: string; revision: number }, Rev>;
  moveEntry: Action<{ id: string; entryId: string; toIndex: number; revision: number }, Rev>;
  remove: Action<{ id: string; revision: number }, unknown>;
};

export function usePlaylistActions(): PlaylistActions {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: trpc.playlist.pathKey() });
  const create = useMutation(trpc.playlist.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.playlist.update.mutationOptions({ onSuccess }));
  const visibility = useMutation(trpc.playlist.setVisibility.mutationOptions({ onSuccess }));
  const add = useMutation(trpc.playlist.addSongs.mutationOptions({ onSuccess }));
  const removeEntry = useMutation(trpc.playlist.removeEntry.mutationOptions({ onSuccess }));
  const move = useMutation(trpc.playlist.move.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.playlist.delete.mutationOptions({ onSuccess }));
  return {
    create: { ...fromMutation(create), run: (i) => create.mutateAsync({ ...i, description: '' }) },
    rename: {
      ...fromMutation(update),
      run: ({ id, name, revision }) => update.mutateAsync({ id, name, revision }),
    },
    setPublic: fromMutation(visibility),
    addSong: {
      ...fromMutation(add),
      run: ({ id, songId, revision }) => add.mutateAsync({ id, revision, songIds: [songId] }),
    },
    removeEntry: fromMutation(removeEntry),
    moveEntry: fromMutation(move),
    remove: fromMutation(remove),
  };
}
