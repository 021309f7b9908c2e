'use client';
import { useQueryClient } from '@tanstack/react-query';
// Tells the server what this tab plays, reading the player's state (no changes to the engine):
// - presence heartbeats over socket.io (song, playing/paused, position) whenever that changes, and
//   every REFRESH_MS while playing so followers' extrapolated position stays right;
// - one play.report per play once it has been listened to past the counting threshold (retried with
//   the same eventId, which the server de-duplicates), then the home page's shelves refresh.
import type { Activity } from '@tonearm/realtime/events';
import { useEffect, useRef, useState } from 'react';
import { useCurrentTrack, usePlayerState, usePlayerTime } from '../lib/player/player-provider';
import { useRealtimeClient } from '../lib/realtime/realtime-provider';
import { useTRPC, useTRPCClient } from '../lib/trpc';

/** A play counts once this much of it was heard: 30 s, or half of a shorter track. */
export function countingThresholdSec(durationSec: number): number {
  return Math.min(30, Math.max(1, durationSec / 2));
}

const REFRESH_MS = 10_000;
const DEVICE = 'web';

type PlaySession = { key: string; songId: string; startedAt: number; durationSec: number };

function newEventId(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/**
 * The current play: a new one starts when another queue entry plays, or when the same entry starts
 * over (repeat one, "previous" restarting it). Null until the track actually plays.
 */
function usePlaySession(): { session: PlaySession | null; second: number; isPlaying: boolean } {
  const track = useCurrentTrack();
  const position = usePlayerState((s) => s.queue.position);
  const status = usePlayerState((s) => s.status);
  const second = usePlayerTime((t) => Math.floor(t.currentTime));
  const duration = usePlayerTime((t) => t.duration);
  const [session, setSession] = useState<PlaySession | null>(null);
  const lastSecond = useRef(0);

  useEffect(() => {
    const key = track ? `${position}:${track.id}` : '';
    const prev = lastSecond.current;
    lastSecond.current = second;
    if (!track || status === 'idle') {
      setSession(null);
      return;
    }
    if (status !== 'playing') return;
    setSession((cur) => {
      const restarted = cur?.key === key && second < 2 && prev > second + 5;
      if (cur && cur.key === key && !restarted) return cur;
      return {
        key,
        songId: track.id,
        startedAt: Date.now() - second * 1000,
        durationSec: duration || track.durationSec,
      };
    });
  }, [track, position, status, second, duration]);

  return { session, second, isPlaying: status === 'playing' };
}

export function ListeningReporter({ isSignedIn }: { isSignedIn: boolean }) {
  const { session, second, isPlaying } = usePlaySession();
  const status = usePlayerState((s) => s.status);
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
  const heard = useRef<{ key: string; sec: number; last: number; reported: boolean } | null>(null);
  useEffect(() => {
    if (!session) return;
    if (heard.current?.key !== session.key) {
      heard.current = { key: session.key, sec: 0, last: second, reported: false };
    }
    const h = heard.current;
    // Count seconds actually heard: a step of one or two while playing, not a seek.
    const step = second - h.last;
    h.last = second;
    if (isPlaying && step > 0 && step <= 2) h.sec += step;
    if (!isSignedIn || h.reported || h.sec < countingThresholdSec(session.durationSec)) return;
    h.reported = true;
    const input = {
      eventId: newEventId(),
      songId: session.songId,
      startedAt: new Date(session.startedAt).toISOString(),
      playedSec: h.sec,
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
  }, [session, second, isPlaying, isSignedIn, trpc, trpcClient, queryClient]);

  return null;
}
