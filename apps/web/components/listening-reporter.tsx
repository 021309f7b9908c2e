'use client';
// Tells the server what this tab plays, from the player controller's state (no changes to the engine):
// - presence heartbeats over socket.io (song, playing/paused, position) whenever that changes, and
//   every REFRESH_MS while playing so followers' extrapolated position stays right;
// - one play.report per play once it counts (lib/player/play-tracker.ts decides what counts and
//   when), retried with the same eventId, which the server de-duplicates; then the home page's
//   shelves refresh.
import { useQueryClient } from '@tanstack/react-query';
import type { Activity } from '@tonearm/realtime/events';
import { useEffect, useRef } from 'react';
import { usePlayCounted, usePlayerState, usePlayerTime } from '../lib/player/player-provider';
import { useRealtimeClient } from '../lib/realtime/realtime-provider';
import { useTRPC, useTRPCClient } from '../lib/trpc';

const REFRESH_MS = 10_000;
const DEVICE = 'web';

function newEventId(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

export function ListeningReporter({ isSignedIn }: { isSignedIn: boolean }) {
  const session = usePlayerState((s) => s.session);
  const status = usePlayerState((s) => s.status);
  const second = usePlayerTime((t) => Math.floor(t.currentTime));
  const isPlaying = status === 'playing';
  const client = useRealtimeClient();
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();

  // --- presence -------------------------------------------------------------------------
  const isPaused = status === 'paused';
  const isActive = session !== null && (isPlaying || isPaused || status === 'loading');
  const secondRef = useRef(second);
  secondRef.current = second;
  const sent = useRef<{ sec: number; at: number } | null>(null);

  useEffect(() => {
    if (!client) return;
    const activity = (): Activity =>
      isActive && session
        ? {
            state: 'streaming',
            songId: session.songId,
            startedAt: session.startedAt,
            positionSec: Math.max(0, secondRef.current),
            isPaused,
            device: DEVICE,
          }
        : { state: 'online', device: DEVICE };
    const send = () => {
      client.setActivity(activity());
      sent.current = { sec: secondRef.current, at: Date.now() };
    };
    send();
    if (!isActive || isPaused) return;
    const timer = setInterval(send, REFRESH_MS);
    return () => clearInterval(timer);
  }, [client, session, isActive, isPaused]);

  // A seek while playing (the position jumped away from where it should be): report it.
  useEffect(() => {
    if (!client || !session || !isPlaying || !sent.current) return;
    const expected = sent.current.sec + (Date.now() - sent.current.at) / 1000;
    if (Math.abs(second - expected) > 3) {
      client.setActivity({
        state: 'streaming',
        songId: session.songId,
        startedAt: session.startedAt,
        positionSec: second,
        isPaused: false,
        device: DEVICE,
      });
      sent.current = { sec: second, at: Date.now() };
    }
  }, [client, session, isPlaying, second]);

  // --- play reports ---------------------------------------------------------------------
  usePlayCounted((play) => {
    if (!isSignedIn) return;
    const input = {
      eventId: newEventId(),
      songId: play.songId,
      startedAt: new Date(play.startedAt).toISOString(),
      playedSec: play.playedSec,
      completed: false,
    };
    void (async () => {
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          await trpcClient.play.report.mutate(input);
          await queryClient.invalidateQueries(trpc.play.recent.pathFilter());
          await queryClient.invalidateQueries(trpc.discovery.forYou.pathFilter());
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 2_000 * 2 ** attempt));
        }
      }
    })();
  });

  return null;
}
