// Library import end to end on the real services: the Debian package wesnoth-1.16-music (41 Ogg Vorbis
// files no one here wrote) grouped into its real albums and artists, imported twice (the second run
// changes nothing); a few of its files and generated tagged tones go through the real transcode job to
// `ready` with their covers processed by the real cover job; bad input is skipped with reasons and
// leaves nothing behind in MongoDB or S3.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMediaDepsFromEnv, importLibrary, type MediaDeps } from '@tonearm/core';
import { Album, Artist, ImportRun, Song, type SongDoc } from '@tonearm/db';
import { Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { MB, makeBadFiles, makeCoverPng, makeTaggedFile } from '@tonearm/testing/audio-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerDeps, type OwnedWorkerDeps, processors, startWorkers, type WorkerPool } from '../src';

const WESNOTH = '/usr/share/games/wesnoth/1.16/data/core/music';
let svc: TestServices;
let queues: Queues;
let media: MediaDeps;
let pool: WorkerPool;
let deps: OwnedWorkerDeps;
const prefix = `bull-imp${uid(3)}`;
const work = mkdtempSync(join(tmpdir(), 'tonearm-import-'));

beforeAll(async () => {
  svc = await startTestServices();
  queues = new Queues(workerConnection(), { prefix });
  media = createMediaDepsFromEnv({ queues, fallbackBaseUrl: 'http://127.0.0.1:9/media/' });
  await media.storage.ensureBucket();
  deps = await createWorkerDeps({ log: svc.log, redis: svc.redis, cache: svc.cache, media });
}, 60_000);
afterAll(async () => {
  await pool?.close();
  for (const q of ['media', 'media-cleanup', 'covers', 'album-loudness'])
    await queues
      .get(q)
      .obliterate({ force: true })
      .catch(() => {});
  await queues?.close();
  await svc?.close();
  chmodSync(work, 0o755);
  rmSync(work, { recursive: true, force: true });
});

function startPool() {
  pool = startWorkers({
    processors: processors.filter((p) => ['media', 'media-cleanup', 'covers'].includes(p.job.queue)),
    connection: () => workerConnection(),
    deps,
    prefix,
  });
}

const objectKeys = async (p: string) => (await media.storage.list(p)).map((o) => o.key);

describe('wesnoth-1.16-music', () => {
  it('groups 41 files into 3 albums and 12 artists; a second import is all unchanged', async () => {
    const dry = await importLibrary({ log: svc.log }, [WESNOTH], { dryRun: true });
    // 39 tracks of "The Battle for Wesnoth OST" by the album artist "Wesnoth Project" (two discs, track
    // numbers repeating across them; victory*.ogg lack the album artist and join through their folder),
    // return_to_wesnoth.ogg (no album: the folder's name, by Mattias Westlund) and silence.ogg (no tags
    // at all). Artists: the ten composers, the album artist and "Unknown Artist".
    expect(dry).toMatchObject({ files: 41, audio: 41, imported: 41, skipped: [], albums: 3, artists: 12 });
    expect(dry.durationSec).toBeGreaterThan(7600); // 2 h 8 min
    expect(await Song.countDocuments()).toBe(0); // a dry run writes nothing

    // The real import queues every transcode (no worker yet: this test is about the catalog).
    const first = await importLibrary({ log: svc.log, media }, [WESNOTH], { wait: false });
    expect(first).toMatchObject({
      files: 41,
      audio: 41,
      imported: 41,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      albums: 3,
      artists: 12,
    });
    expect(await Song.countDocuments()).toBe(41);
    expect(await Album.countDocuments()).toBe(3);
    expect(await Artist.countDocuments()).toBe(12);
    const ost = await Album.findOne({ title: 'The Battle for Wesnoth OST' }).lean();
    expect(ost).toMatchObject({ artistName: 'Wesnoth Project', trackCount: 39, discCount: 2 });
    // Album order: disc, then track (untracked last): disc 1 starts with "Traveling Minstrels".
    const tracks = await Song.find({ albumId: ost!._id })
      .sort({ discNumber: 1, trackNumber: 1 })
      .lean<SongDoc[]>();
    const numbered = tracks.filter((t) => t.trackNumber !== null);
    expect(numbered[0]).toMatchObject({ title: 'Traveling Minstrels', discNumber: 1, trackNumber: 1 });
    expect(numbered.find((t) => t.discNumber === 2)).toMatchObject({ title: 'Main Theme', trackNumber: 1 });
    const victory = await Song.findOne({ title: 'Victory', artistName: 'Timothy Pinkham' }).lean<SongDoc>();
    expect(String(victory?.albumId)).toBe(String(ost!._id));
    const silence = await Song.findOne({ sourcePath: join(WESNOTH, 'silence.ogg') }).lean<SongDoc>();
    expect(silence).toMatchObject({ title: 'silence', artistName: 'Unknown Artist', albumTitle: 'music' });
    const all = await Song.find().lean<SongDoc[]>();
    expect(
      all.every((s) => s.media?.status === 'transcoding' && /^[0-9a-f]{64}$/.test(s.contentHash ?? '')),
    ).toBe(true);
    expect(
      (await objectKeys('uploads/')).filter((k) => all.some((s) => k.startsWith(`uploads/${s._id}/`))),
    ).toHaveLength(41);

    const second = await importLibrary({ log: svc.log, media }, [WESNOTH], { wait: false });
    expect(second).toMatchObject({
      files: 41,
      audio: 41,
      imported: 0,
      updated: 0,
      unchanged: 41,
      duplicates: 0,
      skipped: [],
    });
    expect(await Song.countDocuments()).toBe(41);
    const run = await ImportRun.findById(second.runId).lean();
    expect(run).toMatchObject({ status: 'done', unchanged: 41, files: 41 });

    // Leave the queue and catalog clean for the next tests.
    for (const s of all) {
      await media.storage.deletePrefix(`uploads/${s._id}/`);
    }
    await queues.get('media').obliterate({ force: true });
    await Song.deleteMany({});
    await Album.deleteMany({});
    await Artist.deleteMany({});
  }, 120_000);
});

describe('real transcodes', () => {
  it('imports stingers and tagged tones to ready, with covers; recognises moves, re-tags and duplicates', async () => {
    startPool();
    const lib = join(work, 'lib');
    const ost = join(lib, 'wesnoth');
    mkdirSync(ost, { recursive: true });
    for (const f of ['victory.ogg', 'defeat.ogg']) copyFileSync(join(WESNOTH, f), join(ost, f));
    const tones = join(lib, 'Tones');
    mkdirSync(tones);
    const art = makeCoverPng(join(work, 'embedded.png'), 'teal');
    makeTaggedFile(tones, '01', 'flac', {
      title: 'Low',
      artist: 'The Oscillators',
      album: 'Tones',
      albumArtist: 'The Oscillators',
      track: 1,
      cover: art,
    });
    makeTaggedFile(tones, '02', 'mp3-id3v23', {
      title: 'Mid',
      artist: 'oscillators',
      album: 'Tones',
      albumArtist: 'The Oscillators',
      track: 2,
      hz: 660,
    });
    makeTaggedFile(tones, '03', 'alac', {
      title: 'High',
      artist: 'Oscillators',
      album: 'Tones',
      albumArtist: 'The Oscillators',
      track: 3,
      hz: 880,
    });
    const folderArt = join(lib, 'Folder Art');
    mkdirSync(folderArt);
    makeTaggedFile(folderArt, 'a', 'opus', {
      title: 'Opus Tone',
      artist: 'Cover Finder',
      album: 'Folder Art',
      hz: 550,
      mb: true,
    });
    makeCoverPng(join(folderArt, 'cover.png'), 'purple');

    const s1 = await importLibrary({ log: svc.log, media }, [lib], { waitTimeoutMs: 240_000 });
    expect(s1).toMatchObject({
      files: 6,
      audio: 6,
      imported: 6,
      ready: 6,
      failed: 0,
      skipped: [],
      albums: 3,
    });
    const songs = await Song.find().lean<SongDoc[]>();
    expect(songs.map((s) => s.media?.status)).toEqual(Array(6).fill('ready'));
    // Case and a leading "The" do not make a second artist.
    expect(await Artist.countDocuments({ nameKey: 'oscillators' })).toBe(1);
    expect(await Album.findOne({ title: 'Tones' }).lean()).toMatchObject({
      artistName: 'The Oscillators',
      trackCount: 3,
    });
    const opus = songs.find((s) => s.title === 'Opus Tone')!;
    expect(opus).toMatchObject({ mbRecordingId: MB.recording, replayGain: { trackGainDb: -6.5 } });
    expect(await Album.findById(opus.albumId).lean()).toMatchObject({
      mbReleaseId: MB.release,
      title: 'Folder Art',
    });
    // Covers: the embedded picture for Tones, cover.png beside the file for Folder Art; both processed.
    const deadline = Date.now() + 60_000;
    let albums = await Album.find().lean();
    while (Date.now() < deadline && albums.filter((a) => a.coverKey).length < 3) {
      await new Promise((r) => setTimeout(r, 500));
      albums = await Album.find().lean();
    }
    const withCover = albums
      .filter((a) => a.coverKey)
      .map((a) => a.title)
      .sort();
    expect(withCover).toEqual(
      ['Folder Art', 'The Battle for Wesnoth OST', 'Tones'].filter((t) => t !== 'The Battle for Wesnoth OST'),
    );
    for (const a of albums.filter((x) => x.coverKey)) expect(await objectKeys(a.coverKey!)).toHaveLength(9);

    // Second run: unchanged. Then a move, a re-tag and a duplicate.
    expect(await importLibrary({ log: svc.log, media }, [lib], {})).toMatchObject({
      unchanged: 6,
      imported: 0,
    });
    renameSync(join(ost, 'defeat.ogg'), join(ost, 'defeat-renamed.ogg'));
    copyFileSync(join(ost, 'victory.ogg'), join(ost, 'victory-copy.ogg'));
    makeTaggedFile(tones, '02', 'mp3-id3v23', {
      title: 'Mid (Remastered)',
      artist: 'oscillators',
      album: 'Tones',
      albumArtist: 'The Oscillators',
      track: 2,
      hz: 660,
    });
    const s3 = await importLibrary({ log: svc.log, media }, [lib], {});
    expect(s3).toMatchObject({ files: 7, imported: 0, updated: 2, moved: 1, duplicates: 1, unchanged: 4 });
    expect(s3.skipped).toEqual([
      { path: join(ost, 'victory-copy.ogg'), reason: `duplicate of ${join(ost, 'victory.ogg')}` },
    ]);
    expect(await Song.countDocuments()).toBe(6);
    expect(await Song.findOne({ title: 'Mid (Remastered)' }).lean()).toMatchObject({
      sourcePath: join(tones, '02.mp3'),
    });
    expect(await Song.findOne({ sourcePath: join(ost, 'defeat-renamed.ogg') }).lean()).toMatchObject({
      title: 'Defeat',
    });
  }, 300_000);

  it('skips bad input with reasons and leaves nothing half-imported', async () => {
    const bad = join(work, 'bad');
    mkdirSync(bad);
    makeBadFiles(bad);
    const locked = join(bad, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'x.mp3'), 'x');
    symlinkSync('.', join(bad, 'loop')); // bad/loop → bad
    const before = {
      songs: await Song.countDocuments(),
      uploads: (await objectKeys('uploads/')).sort(),
      covers: await objectKeys('covers/source/'),
    };
    let scanned: { skipped: { path: string; reason: string }[] };
    if (process.getuid?.() === 0) {
      // root reads any directory: a child loads the same scan code, drops to nobody, then scans, to
      // meet a real EACCES.
      chmodSync(work, 0o755);
      chmodSync(locked, 0o000);
      const script = join(work, 'scan.mts');
      writeFileSync(
        script,
        `import { scanPaths } from '${join(__dirname, '../../core/src/library/scan.ts')}';\nprocess.setgid('nogroup');\nprocess.setuid('nobody');\nconsole.log(JSON.stringify(await scanPaths([${JSON.stringify(bad)}])));\n`,
      );
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
        encoding: 'utf8',
        cwd: join(__dirname, '..'),
      });
      expect(r.stderr).toBe('');
      scanned = JSON.parse(r.stdout);
      chmodSync(locked, 0o755);
      rmSync(locked, { recursive: true });
    } else {
      chmodSync(locked, 0o000);
      scanned = await import('@tonearm/core').then((c) => c.scanPaths([bad]));
      chmodSync(locked, 0o755);
      rmSync(locked, { recursive: true });
    }
    expect(scanned.skipped).toContainEqual({
      path: locked,
      reason: 'unreadable directory: permission denied',
    });
    expect(scanned.skipped.find((s) => s.path.startsWith(join(bad, 'loop')))?.reason).toMatch(/symlink loop/);

    const s = await importLibrary({ log: svc.log, media }, [bad], {});
    const reasons = Object.fromEntries(s.skipped.map((x) => [x.path.slice(bad.length + 1), x.reason]));
    expect(reasons['corrupt.flac']).toMatch(/^corrupt/);
    expect(reasons['zero.mp3']).toBe('empty file (0 bytes)');
    expect(reasons['notes.flac']).toBe('not audio: the file holds text');
    expect(Object.keys(reasons).some((p) => p.startsWith('loop') && /symlink loop/.test(reasons[p]!))).toBe(
      true,
    );
    expect(s).toMatchObject({ imported: 0, audio: 0 });
    expect(await Song.countDocuments()).toBe(before.songs);
    // No new object in S3 (the bucket is shared by every test file: compare, do not count globally).
    expect((await objectKeys('uploads/')).sort()).toEqual(before.uploads);
    expect((await objectKeys('covers/source/')).filter((k) => !before.covers.includes(k))).toEqual([]);
    // Every song this file made is ready, with its source in S3.
    const songs = await Song.find().lean<SongDoc[]>();
    for (const x of songs) {
      expect(x.media?.status).toBe('ready');
      expect(before.uploads.some((k) => k.startsWith(`uploads/${x._id}/`))).toBe(true);
    }
  }, 60_000);
});
