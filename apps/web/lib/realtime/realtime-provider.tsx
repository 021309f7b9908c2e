'use client';
import { useQueryClient } from '@tanstack/react-query';
// The player's socket.io connection (@tonearm/realtime/client, issue 5): one per signed-in tab,
// authenticated by the session cookie the browser sends with the WebSocket handshake. It keeps the
// friends' live presence in a store the sidebar reads, reports what this tab plays (heartbeats) and
// keeps social.feed (the sidebar's initial state) in step: a reconnect, a friend the feed does not
// list yet (a new follow) or a friend going offline (their "recently played" changed) refetch it.
import { createRealtimeClient, type RealtimeClient } from '@tonearm/realtime/client';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
} from 'react';
import { useApiUrl } from '../api-url';
import { createStore, type Store } from '../player/store';
import { useTRPC } from '../trpc';
import type { LivePresence } from './merge-feed';

type Stores = { friends: Store<LivePresence>; connected: Store<boolean>; isPrivate: Store<boolean> };
type Ctx = Stores & { client: RealtimeClient | null };
const RealtimeContext = createContext<Ctx | null>(null);

type FeedData = { friends: { user: { id: string } }[] };

export function RealtimeProvider({ userId, children }: { userId: string | null; children: ReactNode }) {
  const apiUrl = useApiUrl();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [stores] = useState<Stores>(() => ({
    friends: createStore<LivePresence>(new Map()),
    connected: createStore(false),
    isPrivate: createStore(false),
  }));
  const [client, setClient] = useState<RealtimeClient | null>(null);

  useEffect(() => {
    if (!userId) return;
    const feedFilter = trpc.social.feed.pathFilter();
    const refetchFeed = () => void queryClient.invalidateQueries(feedFilter);
    const isInFeed = (id: string) =>
      queryClient
        .getQueriesData<FeedData>(feedFilter)
        .some(([, data]) => data?.friends.some((f) => f.user.id === id));

    const c = createRealtimeClient({ urls: [apiUrl], device: 'web' });
    let connections = 0;
    const offFriend = c.onFriend((p) => {
      stores.friends.set((prev) => new Map(prev).set(p.userId, p));
      if (!isInFeed(p.userId) || p.presence.state === 'offline') refetchFeed();
    });
    const offReady = c.onReady((r) => {
      stores.connected.set(() => true);
      stores.isPrivate.set(() => r.isPrivate);
      // After a reconnect, plays missed meanwhile are only in the feed.
      if (connections++ > 0) refetchFeed();
    });
    const onDisconnect = () => stores.connected.set(() => false);
    c.socket.on('disconnect', onDisconnect);
    // A followee turned their listening to "nobody", removed or blocked you: gone from the sidebar now.
    const onHidden = ({ userId: gone }: { userId: string }) => {
      stores.friends.set((prev) => {
        const next = new Map(prev);
        next.delete(gone);
        return next;
      });
      queryClient.setQueriesData<FeedData>(feedFilter, (data) =>
        data ? { ...data, friends: data.friends.filter((f) => f.user.id !== gone) } : data,
      );
      refetchFeed();
    };
    const onAccepted = () => {
      refetchFeed();
      void queryClient.invalidateQueries(trpc.people.pathFilter());
    };
    const onRequested = () => void queryClient.invalidateQueries(trpc.people.requests.pathFilter());
    const onPrivacy = (p: { isPrivate: boolean }) => {
      stores.isPrivate.set(() => p.isPrivate);
      void queryClient.invalidateQueries(trpc.auth.me.pathFilter());
    };
    c.socket.on('friend:hidden', onHidden);
    c.socket.on('follow:accepted', onAccepted);
    c.socket.on('follow:requested', onRequested);
    c.socket.on('privacy:changed', onPrivacy);
    setClient(c);
    return () => {
      offFriend();
      offReady();
      c.socket.off('disconnect', onDisconnect);
      c.socket.off('friend:hidden', onHidden);
      c.socket.off('follow:accepted', onAccepted);
      c.socket.off('follow:requested', onRequested);
      c.socket.off('privacy:changed', onPrivacy);
      c.close();
      setClient(null);
      stores.friends.set(() => new Map());
      stores.connected.set(() => false);
      stores.isPrivate.set(() => false);
    };
  }, [userId, apiUrl, trpc, queryClient, stores]);

  const value = useMemo<Ctx>(() => ({ ...stores, client }), [stores, client]);
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

function useRealtimeContext(): Ctx {
  const ctx = useContext(RealtimeContext);
  if (!ctx) throw new Error('useRealtime* must be used inside <RealtimeProvider>');
  return ctx;
}

const noFriends: LivePresence = new Map();

/** Friends' presence as pushed since the socket connected (empty while disconnected). */
export function useLiveFriends(): LivePresence {
  const { friends } = useRealtimeContext();
  return useSyncExternalStore(friends.subscribe, friends.get, () => noFriends);
}

/** True while the socket is connected (live updates flow; polling can slow down). */
export function useRealtimeConnected(): boolean {
  const { connected } = useRealtimeContext();
  return useSyncExternalStore(connected.subscribe, connected.get, () => false);
}

/** The connection (null while signed out): the player reports its activity through it. */
export function useRealtimeClient(): RealtimeClient | null {
  return useRealtimeContext().client;
}

export type PrivateSession = {
  /** Null while not connected (nothing to toggle). */
  isPrivate: boolean | null;
  setPrivate(isPrivate: boolean): Promise<void>;
};

/** The private session (issue 5): while on, followers see this person offline and no plays are shared. */
export function usePrivateSession(): PrivateSession {
  const { client, connected, isPrivate } = useRealtimeContext();
  const isConnected = useSyncExternalStore(connected.subscribe, connected.get, () => false);
  const value = useSyncExternalStore(isPrivate.subscribe, isPrivate.get, () => false);
  return {
    isPrivate: client && isConnected ? value : null,
    async setPrivate(next) {
      if (!client) return;
      await client.setPrivate(next);
      isPrivate.set(() => next);
    },
  };
}
