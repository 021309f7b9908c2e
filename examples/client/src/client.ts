// A programmatic Tonearm client: everything it knows about the API comes from the AppRouter *type*
// (erased at build time), so it ships no server code and its typecheck breaks when the API changes.
import type { AppRouter } from '@tonearm/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

export type ClientOptions = { url: string; apiKey?: string };

export function createTonearmClient({ url, apiKey }: ClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url.replace(/\/$/, '')}/trpc`,
        headers: apiKey ? { 'x-api-key': apiKey } : {},
      }),
    ],
  });
}

/** "Title — Artist (m:ss)" for the most played songs. */
export async function topSongLines(opts: ClientOptions, limit = 5): Promise<string[]> {
  const api = createTonearmClient(opts);
  const top = await api.song.top.query({ limit });
  return top.map((s) => {
    const m = Math.floor(s.durationSec / 60);
    const sec = String(Math.round(s.durationSec % 60)).padStart(2, '0');
    return `${s.title} — ${s.artistName} (${m}:${sec})`;
  });
}

/** Every song of an album, following the cursor from page to page. */
export async function albumTrackTitles(opts: ClientOptions, albumId: string): Promise<string[]> {
  const api = createTonearmClient(opts);
  const titles: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.song.byAlbum.query({ albumId, limit: 2, cursor });
    titles.push(...page.items.map((s) => s.title));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return titles;
}
