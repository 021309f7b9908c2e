// The Subsonic API against the tRPC API, in the same run, on a real transcoded song (real ffmpeg,
// versitygw, Redis, MongoDB):
// - stream time to first byte: /rest/stream (the ladder served as one MP4) vs what the web player does
//   before its first audio byte (playback.start, master playlist, media playlist, init segment);
// - search3 p50/p99 vs search.catalog (both through the same embedded search index);
// - ffmpeg processes started while streaming, counted from /proc (target 0 per stream).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { EmbeddedSearchIndex, SearchSync } from '@tonearm/core';
import { Song, type SongDoc, User } from '@tonearm/db';
import { cachedTrack } from '@tonearm/media';
import { subsonicRoute } from '../apps/server/src/subsonic/handler';
import { startMediaHarness } from '../apps/server/test/media-harness';
import { type Harness, stats } from './harness';

const ppidOf = (pid: number): number => {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
};

/** PIDs of running ffmpeg processes descended from this process (the machine is shared), from /proc. */
function ffmpegPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'ffmpeg') continue;
    } catch {
      continue;
    }
    for (let p = Number(d), hops = 0; p > 1 && hops < 64; p = ppidOf(p), hops++) {
      if (p === process.pid) {
        out.push(Number(d));
        break;
      }
    }
  }
  return out;
}

async function ttfb(url: string, init?: RequestInit): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(url, init);
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  const t = performance.now() - t0;
  await reader.cancel();
  return t;
}

export default async function (h: Harness) {
  const index = new EmbeddedSearchIndex();
  const m = await startMediaHarness(
    { maxDurationSec: 60 },
    { routes: (deps) => [subsonicRoute(deps)], search: index },
  );
  // ffmpeg processes seen, per phase: a 2 ms poller of /proc (the transcode's count shows the counter works).
  const seen = { transcode: new Set<number>(), stream: new Set<number>() };
  let phase: keyof typeof seen = 'transcode';
  let polling = true;
  const poller = (async () => {
    while (polling) {
      for (const p of ffmpegPids()) if (!seen.transcode.has(p)) seen[phase].add(p);
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const worker = m.startWorker();
  const source = await cachedTrack('ladder', { seconds: 30 });
  const up = await m.upload(source, { title: 'Bench tone' });
  await up.finalize;
  const song = await m.waitForSong(
    up.songId,
    (s) => s.media?.status === 'ready' || s.media?.status === 'failed',
  );
  if (song.media?.status !== 'ready') throw new Error(`transcode failed: ${song.media?.error}`);
  await worker.close();
  // A catalog to search: 2,000 songs on the same published ladder.
  const words = [
    'midnight',
    'river',
    'golden',
    'echo',
    'velvet',
    'storm',
    'neon',
    'harbor',
    'paper',
    'silver',
  ];
  await Song.insertMany(
    Array.from({ length: 2000 }, (_, i) => ({
      title: `${words[i % 10]} ${words[Math.floor(i / 10) % 10]} ${i}`,
      artistId: song.artistId,
      artistName: song.artistName,
      durationSec: song.durationSec,
      media: song.media,
    })),
  );
  const sync = new SearchSync(index, { log: m.svc.log });
  await sync.start();
  const password = (await m.client.subsonic.createAppPassword.mutate()).password;
  const handle = (await User.findById(m.userId).lean())?.handle as string;
  const salt = 'benchsalt';
  const auth = new URLSearchParams({
    u: handle,
    t: createHash('md5')
      .update(password + salt)
      .digest('hex'),
    s: salt,
    v: '1.16.1',
    c: 'bench',
    f: 'json',
  });
  const id = String(song._id);

  phase = 'stream';
  let streams = 0;
  const streamUrl = `${m.url}/rest/stream.view?${auth}&id=${id}`;
  const webPlayerFirstByte = async () => {
    const grant = await m.client.playback.start.mutate({ songId: id });
    const master = await (await fetch(`${grant.masterUrl}?${grant.signedQuery}`)).text();
    const variant = master.split('\n').find((l) => l && !l.startsWith('#')) as string;
    const base = grant.masterUrl.slice(0, grant.masterUrl.lastIndexOf('/') + 1);
    const media = await (await fetch(`${base}${variant}?${grant.signedQuery}`)).text();
    const init = /URI="([^"]+)"/.exec(media)?.[1] as string;
    const dir = `${base}${variant}`.replace(/[^/]+$/, '');
    await ttfb(`${dir}${init}?${grant.signedQuery}`);
  };
  const ttfbRow = await h.compare(
    'stream TTFB: /rest/stream vs web player (playback.start + master + media playlist + init)',
    async () => {
      streams++;
      await ttfb(streamUrl);
    },
    webPlayerFirstByte,
    { iterations: 200, warmup: 20, rounds: 4 },
  );
  // Range requests (a seek) the same way.
  const seek = await h.sample(
    async () => {
      streams++;
      await ttfb(streamUrl, { headers: { range: 'bytes=300000-' } });
    },
    100,
    10,
  );
  polling = false;
  await poller;
  h.record({ name: 'stream seek (Range 206) TTFB', target: stats(seek) });
  h.record({
    name: 'ffmpeg processes started per /rest/stream',
    figures: {
      streams,
      ffmpegStarted: seen.stream.size,
      perStream: seen.stream.size / streams,
      ffmpegInTranscode: seen.transcode.size,
    },
    note: 'target 0: streams are served from the published ladder',
  });
  void ttfbRow;

  const queries = ['midnight river', 'goldn echo', 'velvt', 'neon harbr 42', 'silver paper', 'strom'];
  let qi = 0;
  await h.compare(
    'search3 vs tRPC search.catalog (same index)',
    () =>
      fetch(
        `${m.url}/rest/search3?${auth}&query=${encodeURIComponent(queries[qi++ % queries.length] as string)}&songCount=20&albumCount=5&artistCount=5`,
      ).then((r) => r.text()),
    () => m.client.search.catalog.query({ q: queries[qi++ % queries.length] as string, limit: 20 }),
    { iterations: 600, warmup: 30, rounds: 4 },
  );
  await sync.stop();
  await m.close();
}

export type { SongDoc };
