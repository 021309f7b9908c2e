'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../lib/trpc';

/** A song's line as the player shows it; typed from the router's output. */
function songLine(song: { title: string; artistName: string }): string {
  return `${song.title} — ${song.artistName}`;
}

export default function HomePage() {
  const trpc = useTRPC();
  const top = useQuery(trpc.song.top.queryOptions({ limit: 10 }));
  return (
    <main>
      <h1>Tonearm</h1>
      <section aria-labelledby="top-songs">
        <h2 id="top-songs">Top songs</h2>
        {top.isPending && <p>Loading…</p>}
        {top.error && <p role="alert">Could not load songs: {top.error.message}</p>}
        <ol data-testid="top-songs">
          {top.data?.map((song) => (
            <li key={song.id}>{songLine(song)}</li>
          ))}
        </ol>
      </section>
    </main>
  );
}
