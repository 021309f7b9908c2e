// The friends sidebar's data: social.feed (a snapshot with a per-friend seq) overlaid with the
// presence pushed since (presence:changed), the newer seq winning. Pure, so it is unit-tested.
import type { PresenceChanged } from '@tonearm/realtime/events';
import type { FriendActivity, RouterOutputs } from '../types';

export type LivePresence = ReadonlyMap<string, PresenceChanged>;
type Feed = RouterOutputs['social']['feed'];

/** The feed merged with live presence, one entry per followee. */
export function mergeFeed(feed: Feed, live: LivePresence): FriendActivity[] {
  return feed.friends.map((f) => {
    const pushed = live.get(f.user.id);
    const presence = pushed && pushed.seq > f.seq ? pushed.presence : f.presence;
    const recent = f.recent[0];
    const user = {
      id: f.user.id,
      handle: f.user.handle,
      displayName: f.user.displayName,
      avatarUrl: f.user.avatarUrl ?? null,
    };
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
