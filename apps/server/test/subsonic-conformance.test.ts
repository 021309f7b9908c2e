// OpenSubsonic conformance: schemathesis (PyPI, installed by scripts/setup.sh) reads the OpenSubsonic
// OpenAPI description from ../shared/opensubsonic/openapi/ and sends generated requests (GET and POST
// form) to every endpoint Tonearm implements, on a server over real services with a real transcoded
// song; it checks that no response is a server error and that every response matches its schema.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApiKey } from '@tonearm/core';
import { Album, Song } from '@tonearm/db';
import { cachedTrack } from '@tonearm/media';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { subsonicRoute } from '../src/subsonic/handler';
import { type MediaHarness, startMediaHarness } from './media-harness';

export const SCHEMATHESIS = join(homedir(), '.cache/tonearm-tools/schemathesis-4.32.5/bin/st');
const SPEC = resolve(__dirname, '../../../../../shared/opensubsonic/openapi/openapi.json');
const SPEC_FALLBACK = '/work/shared/opensubsonic/openapi/openapi.json';

/** Endpoints Tonearm implements and the spec describes (binary ones: stream, download, getCoverArt, hls). */
export const CONFORMANCE_ENDPOINTS = [
  'ping',
  'getLicense',
  'getOpenSubsonicExtensions',
  'getUser',
  'getMusicFolders',
  'getArtists',
  'getArtist',
  'getAlbum',
  'getAlbumList',
  'getAlbumList2',
  'getSong',
  'getGenres',
  'getSongsByGenre',
  'getRandomSongs',
  'search2',
  'search3',
  'getIndexes',
  'getMusicDirectory',
  'getStarred',
  'getStarred2',
  'star',
  'unstar',
  'setRating',
  'scrobble',
  'getPlaylists',
  'getPlaylist',
  'createPlaylist',
  'updatePlaylist',
  'deletePlaylist',
  'getPlayQueue',
  'savePlayQueue',
  'getSimilarSongs',
  'getSimilarSongs2',
  'getTopSongs',
  'getLyricsBySongId',
  'getNowPlaying',
  'getScanStatus',
  'tokenInfo',
  'stream',
  'download',
  'getCoverArt',
];

let h: MediaHarness;

beforeAll(async () => {
  const source = await cachedTrack('ladder', { seconds: 30 });
  h = await startMediaHarness({ maxDurationSec: 60 }, { routes: (deps) => [subsonicRoute(deps)] });
  h.startWorker();
  const up = await h.upload(source, { title: 'Conformance' });
  await up.finalize;
  const song = await h.waitForSong(
    up.songId,
    (s) => s.media?.status === 'ready' || s.media?.status === 'failed',
  );
  const album = await Album.create({
    title: 'Spec',
    artistId: song.artistId,
    artistName: song.artistName,
    year: 2020,
    genre: 'Test',
  });
  await Song.updateOne(
    { _id: song._id },
    { $set: { albumId: album._id, albumTitle: 'Spec', genre: 'Test', trackNumber: 1 } },
  );
}, 300_000);
afterAll(async () => {
  await h?.close();
});

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => res({ code: code ?? 1, out }));
  });
}

it('conforms to the OpenSubsonic OpenAPI description: no 5xx, responses match their schemas', async () => {
  expect(existsSync(SCHEMATHESIS), 'schemathesis is missing: run scripts/setup.sh').toBe(true);
  const spec = existsSync(SPEC) ? SPEC : SPEC_FALLBACK;
  const key = await createApiKey(h.userId, {
    name: 'conformance',
    scopes: ['library:read', 'library:write', 'playlists:read', 'playlists:write', 'playback', 'plays:write'],
    rateLimitPerMinute: 100_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'tonearm-st-'));
  const config = join(dir, 'schemathesis.toml');
  writeFileSync(
    config,
    [
      '[auth.openapi.apiKeyAuth]',
      'api_key = "${TONEARM_SUBSONIC_KEY}"',
      '[auth.openapi.format]',
      'api_key = "json"',
      '[auth.openapi.protocolVersion]',
      'api_key = "1.16.1"',
      '[auth.openapi.clientName]',
      'api_key = "schemathesis"',
    ].join('\n'),
  );
  const regex = `^/rest/(${CONFORMANCE_ENDPOINTS.map((e) => e.replace('.', '\\.')).join('|')})$`;
  const r = await run(
    SCHEMATHESIS,
    [
      '--config-file',
      config,
      'run',
      spec,
      '--url',
      h.url,
      '--include-path-regex',
      regex,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--phases',
      'examples,fuzzing',
      '--max-examples',
      process.env.TONEARM_ST_EXAMPLES ?? '8',
      '--generation-deterministic',
      '--workers',
      '2',
      '--no-color',
      '--request-timeout',
      '20',
    ],
    { ...process.env, TONEARM_SUBSONIC_KEY: key.key },
  );
  writeFileSync(join(dir, 'schemathesis.log'), r.out);
  const summary = r.out.split('\n').slice(-60).join('\n');
  expect(r.out, summary).toMatch(/operations?/i);
  expect(r.code, summary).toBe(0);
}, 600_000);
