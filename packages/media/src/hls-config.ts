// hls.js settings for audio-only ladders, shared by the web player and the tests. Client-safe: no
// Node imports. hls.js defaults suit video: they start on the top rung (a 500 kbit/s EWMA guess gave
// 21 s to first audio at 100 kbit/s) and buffer the whole track (600 s), so ABR never re-evaluates.
// Measured better (RECIPES §9): start from a 128 kbit/s estimate and keep a 30 s buffer.

export const AUDIO_HLS_CONFIG = {
  abrEwmaDefaultEstimate: 128_000,
  maxBufferLength: 30,
  maxMaxBufferLength: 30,
  maxBufferSize: 4e6,
  /** Audio-only: no video to size a level against. */
  capLevelToPlayerSize: false,
  startLevel: -1,
  /**
   * Start on the level the 128 kbit/s estimate picks instead of first loading a fragment of the lowest
   * level only to measure bandwidth (a second fragment load before the first audio).
   */
  testBandwidth: false,
  /** Fetch the first fragment while the media element is still attaching. */
  startFragPrefetch: true,
} as const;

/**
 * An hls.js `xhrSetup` that appends CloudFront signed-URL parameters (one signature per track, from
 * playback.start) to every playlist and segment request. With signed cookies instead, pass
 * `withCredentials: true` so the browser sends them to the CDN.
 */
/** The part of XMLHttpRequest xhrSetup touches (this module must typecheck without the DOM lib). */
type XhrLike = { open(method: string, url: string, async: boolean): void; withCredentials: boolean };

export function signedXhrSetup(query: string, withCredentials = false) {
  return (xhr: XhrLike, url: string) => {
    if (query) xhr.open('GET', url + (url.includes('?') ? '&' : '?') + query, true);
    if (withCredentials) xhr.withCredentials = true;
  };
}
