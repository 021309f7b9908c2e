// The engine's network: fetches with retry and a typed HTTP error (a 403 is a refused signature),
// and the signed query every request of a track carries.
/** A failed request, with its HTTP status when the server answered (403: a refused signature). */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function fetchText(url: string): Promise<string> {
  return (await fetchWithRetry(url, new AbortController().signal)).text();
}

/** GET with up to 3 attempts on network errors and 5xx (a CDN hiccup must not end the album). */
export async function fetchWithRetry(
  url: string,
  signal: AbortSignal,
): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { signal });
      if (res.ok && res.body) return res as Response & { body: ReadableStream<Uint8Array> };
      if (res.status < 500 || attempt >= 3) throw new HttpError(`GET ${url}: ${res.status}`, res.status);
    } catch (err) {
      if (signal.aborted || attempt >= 3 || err instanceof HttpError) throw err;
    }
    await sleep(400 * attempt);
  }
}

/** `url` with `query` appended (once); the URL resolution of playlists drops a base URL's query. */
export function withQuery(url: string, query: string | undefined): string {
  if (!query || url.includes(query)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}
