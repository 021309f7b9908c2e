// What friends are playing: social.feed gives the initial state (and the re-sync after a reconnect);
// presence:changed events pushed over socket.io (lib/realtime) override a friend's entry when their
// seq is newer. While the socket is down the feed is polled; while it is up, only rarely.
import { useQuery } from '@tanstack/react-query';
import { mergeFeed } from '../realtime/merge-feed';
import { useLiveFriends, useRealtimeConnected } from '../realtime/realtime-provider';
import { useTRPC } from '../trpc';
import type { FriendActivity } from '../types';
import { fromQuery, type Loadable } from './feature';

const POLL_OFFLINE_MS = 10_000;
const POLL_LIVE_MS = 120_000;

function useFeedQuery(enabled: boolean, connected: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.social.feed.queryOptions({ limit: 50, recentLimit: 1 }),
    enabled,
    refetchInterval: connected ? POLL_LIVE_MS : POLL_OFFLINE_MS,
  });
}

export function useFriendsActivity(enabled: boolean): Loadable<FriendActivity[]> {
  const connected = useRealtimeConnected();
  const live = useLiveFriends();
  const q = fromQuery(useFeedQuery(enabled, connected));
  return { ...q, data: q.data ? mergeFeed(q.data, live) : undefined };
}
