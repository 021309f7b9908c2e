// What friends are playing: social.feed for the initial state, then socket.io events from
// packages/realtime (issue 5) for live changes.
import type { FriendActivity } from '../types';
import { type Loadable, unavailable } from './feature';

export function useFriendsActivity(_enabled: boolean): Loadable<FriendActivity[]> {
  return unavailable('Friends’ activity');
}
