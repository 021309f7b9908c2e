// The friends sidebar's merge of social.feed with pushed presence: a newer seq wins, an older or
// equal one is ignored, a song the feed did not name is left for the row to look up, and an offline
// friend shows their last play.
import type { PresenceChanged } from '@tonearm/realtime/events';
import { describe, expect, it } from 'vitest';
import { type LivePresence, mergeFeed } from '../lib/realtime/merge-feed';
import type { RouterOutputs } from '../lib/types';

type Feed = RouterOutputs['social']['feed'];
const song = (n: number) => ({ id: `${n}`.padStart(24, 'a'), title: `Song ${n}`, artistName: 'Artist' });
const user = { id: 'u1', handle: 'bea', displayName: 'Bea', avatarUrl: null };

const feed: Feed = {
  at: 0,
  friends: [
    {
      user,
      seq: 5,
      presence: {
        state: 'streaming',
        songId: song(1).id,
        startedAt: 1_000,
        positionSec: 3,
        isPaused: false,
        device: 'web',
        reportedAt: 1_000,
      },
      nowPlaying: song(1),
      recent: [{ song: song(0), startedAt: 500 }],
    },
  ],
};

const pushed = (seq: number, presence: PresenceChanged['presence']): LivePresence =>
  new Map([['u1', { userId: 'u1', seq, at: 0, presence }]]);

describe('mergeFeed', () => {
  it('shows the feed as it is without pushed presence', () => {
    expect(mergeFeed(feed, new Map())).toEqual([
      {
        user,
        state: 'streaming',
        isPaused: false,
        songId: song(1).id,
        track: song(1),
        at: new Date(1_000).toISOString(),
      },
    ]);
  });

  it('applies a newer pause and a newer song (left for lookup), ignores stale events', () => {
    const streaming = (songId: string, isPaused: boolean) =>
      ({
        state: 'streaming',
        songId,
        startedAt: 2_000,
        positionSec: 0,
        isPaused,
        device: 'web',
        reportedAt: 2_000,
      }) as const;
    const paused = mergeFeed(feed, pushed(6, streaming(song(1).id, true)))[0]!;
    expect(paused).toMatchObject({ state: 'streaming', isPaused: true, track: song(1) });
    const next = mergeFeed(feed, pushed(7, streaming(song(2).id, false)))[0]!;
    expect(next).toMatchObject({ state: 'streaming', isPaused: false, songId: song(2).id, track: null });
    const stale = mergeFeed(feed, pushed(5, { state: 'offline' }))[0]!;
    expect(stale.state).toBe('streaming');
  });

  it('an offline friend shows their last play', () => {
    const off = mergeFeed(feed, pushed(9, { state: 'offline' }))[0]!;
    expect(off).toMatchObject({ state: 'offline', songId: song(0).id, track: song(0) });
  });
});
