// What friends are playing: social.feed gives the state (and is the re-sync after a reconnect).
// Live changes arrive as presence:changed events from packages/realtime; until the player's socket
// is wired, the feed is re-read every few seconds.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import type { FriendActivity } from '../types';
import { fromQuery, type Loadable } from './feature';

const REFRESH_MS = 10_000;

export function useFriendsActivity(enabled: boolean): Loadable<FriendActivity[]> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.social.feed.queryOptions({ limit: 50, recentLimit: 1 }),
      enabled,
      refetchInterval: REFRESH_MS,
      select: (feed): FriendActivity[] =>
        feed.friends.map((f) => {
          const recent = f.recent[0];
          const song = f.nowPlaying ?? recent?.song ?? null;
          return {
            user: { id: f.user.id, handle: f.user.handle, displayName: f.user.displayName },
            state: f.presence.state,
            track: song ? { id: song.id, title: song.title, artistName: song.artistName } : null,
            at:
              f.presence.state === 'streaming'
                ? new Date(f.presence.startedAt).toISOString()
                : recent
                  ? new Date(recent.startedAt).toISOString()
                  : null,
          };
        }),
    }),
  );
}
