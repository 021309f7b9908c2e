// Every song the database marks playable really plays from the edge: for each distinct HLS prefix of
// a ready song, playback.start (as a signed-in listener) signs it, and the server's CloudFront-verifying
// edge serves its master playlist, every variant playlist, each variant's init segment and first media
// segment. Used by the seeded-catalog check and the newcomer suite (the demo library).
import { randomBytes } from 'node:crypto';
import { connectDb, disconnectDb, Song, type SongDoc } from '@tonearm/db';
import { parsePlaylist } from '../../packages/media/src/hls';

type Grant = { masterUrl: string; signedQuery: string };

export async function signUpByApi(serverUrl: string, name = 'checker'): Promise<string> {
  const tag = randomBytes(4).toString('hex');
  const r = await fetch(`${serverUrl}/trpc/auth.signUp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${name}-${tag}@example.com`,
      handle: `${name}_${tag}`,
      displayName: `${name} ${tag}`,
      password: `Tonearm-${randomBytes(12).toString('base64url')}`,
    }),
  });
  if (r.status !== 200) throw new Error(`sign-up failed: ${r.status} ${await r.text()}`);
  return r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

export type PlayableReport = {
  readySongs: number;
  prefixes: number;
  objectsFetched: number;
  problems: string[];
};

export async function checkEveryPlayableSong(
  serverUrl: string,
  cookie: string,
  mongoUri?: string,
): Promise<PlayableReport> {
  await connectDb(mongoUri);
  const ready = await Song.find({ 'media.status': 'ready' }, { _id: 1, title: 1, media: 1 }).lean<
    SongDoc[]
  >();
  await disconnectDb();
  const byPrefix = new Map<string, { id: string; title: string }>();
  for (const s of ready) {
    const p = s.media?.hlsPrefix;
    if (!p) continue;
    if (!byPrefix.has(p)) byPrefix.set(p, { id: String(s._id), title: s.title });
  }
  const problems: string[] = [];
  let objectsFetched = 0;
  const get = async (url: string, what: string): Promise<Response | null> => {
    const r = await fetch(url);
    objectsFetched++;
    if (r.status !== 200) {
      problems.push(`${what}: HTTP ${r.status} for ${url.split('?')[0]}`);
      return null;
    }
    return r;
  };
  for (const [prefix, song] of byPrefix) {
    const start = await fetch(`${serverUrl}/trpc/playback.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ songId: song.id }),
    });
    if (start.status !== 200) {
      problems.push(`“${song.title}” (${prefix}): playback.start answered ${start.status}`);
      continue;
    }
    const grant = ((await start.json()) as { result: { data: Grant } }).result.data;
    const signed = (u: URL) => `${u.toString()}${u.search ? '&' : '?'}${grant.signedQuery}`;
    const master = await get(signed(new URL(grant.masterUrl)), `“${song.title}” master`);
    if (!master) continue;
    const variants = parsePlaylist(await master.text()).manifest.playlists ?? [];
    if (!variants.length) problems.push(`“${song.title}”: master lists no variants`);
    for (const v of variants) {
      const vUrl = new URL(v.uri, grant.masterUrl);
      const media = await get(signed(vUrl), `“${song.title}” variant ${v.uri}`);
      if (!media) continue;
      const m = parsePlaylist(await media.text()).manifest;
      const first = m.segments?.[0];
      if (!first) {
        problems.push(`“${song.title}” ${v.uri}: no segments`);
        continue;
      }
      const init = first.map?.uri;
      if (init) await get(signed(new URL(init, vUrl)), `“${song.title}” ${v.uri} init segment`);
      const seg = await get(signed(new URL(first.uri, vUrl)), `“${song.title}” ${v.uri} first segment`);
      if (seg && (await seg.arrayBuffer()).byteLength === 0)
        problems.push(`“${song.title}” ${v.uri}: empty segment`);
    }
  }
  return { readySongs: ready.length, prefixes: byPrefix.size, objectsFetched, problems };
}
