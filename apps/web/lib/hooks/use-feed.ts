// What friends are playing: social.feed gives the initial state (and the re-sync after a reconnect);
// presence:changed events pushed over socket.io (lib/realtime) override a friend's entry when their
// seq is newer. While the socket is down the feed is polled; while it is up, only rarely.
import { useQuery } from '@tanstack/react-query';
import { type LivePresence, useLiveFriends, useRealtimeConnected } from '../realtime/realtime-provider';
import { useTRPC } from '../trpc';
import type { FriendActivity, RouterOutputs } from '../types';
import { fromQuery, type Loadable } from './feature';

const POLL_OFFLINE_MS = 10_000;
const POLL_LIVE_MS = 120_000;

type Feed = RouterOutputs['social']['feed'];

function useFeedQuery(enabled: boolean, connected: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.social.feed.queryOptions({ limit: 50, recentLimit: 1 }),
    enabled,
    refetchInterval: connected ? POLL_LIVE_MS : POLL_OFFLINE_MS,
  });
}

/** The feed merged with live presence, one entry per followee. */
export function mergeFeed(feed: Feed, live: LivePresence): FriendActivity[] {
  return feed.friends.map((f) => {
    const pushed = live.get(f.user.id);
    const presence = pushed && pushed.seq > f.seq ? pushed.presence : f.presence;
    const recent = f.recent[0];
    const user = { id: f.user.id, handle: f.user.handle, displayName: f.user.displayName };
    if (presence.state === 'streaming') {
      const known = f.nowPlaying?.id === presence.songId ? f.nowPlaying : null;
      return {
        user,
        state: 'streaming',
        isPaused: presence.isPaused,
        songId: presence.songId,
        track: known,
        at: new Date(presence.startedAt).toISOString(),
      };
    }
    return {
      user,
      state: presence.state,
      isPaused: false,
      songId: recent?.song.id ?? null,
      track: recent?.song ?? null,
      at: recent ? new Date(recent.startedAt).toISOString() : null,
    };
  });
}

export function useFriendsActivity(enabled: boolean): Loadable<FriendActivity[]> {
  const connected = useRealtimeConnected();
  const live = useLiveFriends();
  const q = fromQuery(useFeedQuery(enabled, connected));
  return { ...q, data: q.data ? mergeFeed(q.data, live) : undefined };
}
