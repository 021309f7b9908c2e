// The person's library of liked songs (library.like / unlike / likes).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import { type Track, toTrack } from '../types';
import { type Action, fromMutation, fromQuery, type Loadable } from './feature';

/** One page of likes is what the library shows (and what the heart buttons consult). */
const LIKES_PAGE = 100;

export function useLikes(enabled: boolean): Loadable<Track[]> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.library.likes.queryOptions({ limit: LIKES_PAGE }),
      enabled,
      select: (page) => page.items.flatMap((l) => (l.song ? [toTrack(l.song)] : [])),
    }),
  );
}

export function useToggleLike(): Action<{ songId: string; liked: boolean }, unknown> {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: trpc.library.pathKey() });
  const like = useMutation(trpc.library.like.mutationOptions({ onSuccess }));
  const unlike = useMutation(trpc.library.unlike.mutationOptions({ onSuccess }));
  return {
    ...fromMutation(like),
    isPending: like.isPending || unlike.isPending,
    run: ({ songId, liked }) => (liked ? like.mutateAsync({ songId }) : unlike.mutateAsync({ songId })),
  };
}
