// The lossless rung in Chromium (issue 15): an album uploaded as 16-bit FLAC (the gapless sweep cut at
// sample counts that are no multiple of any frame size) goes through the real pipeline, which adds its
// FLAC-in-fMP4 rung. Both engines play that rung, and the capture of what the listener hears, turned
// back into 16-bit integers, is the FLAC sources' samples exactly: 0 samples lost or added at a seam,
// none changed anywhere. A switch between FLAC and AAC at a seam stays sample-accurate too.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { measureSeams } from './gapless/analysis';
import { ALBUM_CUTS, LOSSLESS_ALBUM, rungAt } from './gapless/fixtures';
import {
  albumReference,
  type Capture,
  idealSeamStep,
  type PageServer,
  playAndCapture,
  seamLevels,
  startPageServer,
  trackInputs,
} from './gapless/harness';

const ALBUM = [...LOSSLESS_ALBUM];
/** Levels by bandwidth: four AAC rungs, then the lossless one. */
const AAC_320 = 3;
const LOSSLESS = 4;
/** The AAC seams' criterion of gapless.spec.ts (1 ms); FLAC ↔ FLAC seams must be exact. */
const MAX_SEAM_SAMPLES = 44;

let srv: PageServer;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  srv = await startPageServer();
});
test.afterAll(async () => srv?.close());

/**
 * A float sample back to its 16-bit integer. Chromium converts s16 to float as x/32768 or, for
 * positive values, x/32767 (media/base/audio_sample_types.h); for |x| ≤ 16384 (the sweep's 0.5
 * amplitude) rounding either way gives back x.
 */
const toInt16 = (v: number) => Math.round(v >= 0 ? v * 32767 : v * 32768);

/** The FLAC sources' samples (16-bit, interleaved), decoded by ffmpeg, tracks concatenated. */
function sourceInts(ids: string[]): Int16Array {
  const parts = ids.map((id) => {
    const t = srv.fixtures.tracks[id]!;
    return execFfmpegS16(`${srv.fixtures.root}/${t.source}`);
  });
  const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function execFfmpegS16(file: string): Int16Array {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '2', '-'], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2).slice();
}

/** First captured sample that is not silence (the sweep's right channel starts at full amplitude). */
function onsetOf(cap: Capture): number {
  return cap.r.findIndex((v, i) => v !== 0 || cap.l[i] !== 0);
}

/**
 * Compares the capture from its onset with `ints` (interleaved) over [from, to) source frames:
 * the number of frames whose integers differ, and the first one.
 */
function mismatches(cap: Capture, onset: number, ints: Int16Array, from: number, to: number) {
  let count = 0;
  let first = -1;
  for (let i = from; i < to; i++) {
    const a = toInt16(cap.l[onset + i] ?? Number.NaN);
    const b = toInt16(cap.r[onset + i] ?? Number.NaN);
    if (a !== ints[2 * i] || b !== ints[2 * i + 1]) {
      count++;
      if (first < 0) first = i;
    }
  }
  return { count, first };
}

const levelsPlayed = (log: { type: string; detail: Record<string, unknown> | null }[]) =>
  [
    ...new Set(
      log
        .filter((e) => e.type === 'segment' && e.detail && !e.detail.aborted)
        .map((e) => `${e.detail!.trackIndex}:${e.detail!.level}`),
    ),
  ].sort();

test('the pipeline gave every track of the FLAC album a lossless rung on the AAC rungs’ segment grid', () => {
  for (const id of ALBUM) {
    const t = srv.fixtures.tracks[id]!;
    expect(t.renditions.map((r) => [r.name, r.codec, r.codecs])).toEqual([
      ['64k', 'aac', 'mp4a.40.2'],
      ['128k', 'aac', 'mp4a.40.2'],
      ['192k', 'aac', 'mp4a.40.2'],
      ['320k', 'aac', 'mp4a.40.2'],
      ['lossless', 'flac', 'fLaC'],
    ]);
    expect(rungAt(srv.fixtures, id, LOSSLESS)).toBe('lossless');
    const flac = t.renditions.find((r) => r.codec === 'flac')!;
    expect(flac).toMatchObject({ primingSamples: 1024, paddingSamples: 0, gaplessSource: 'metadata' });
  }
});

test('Chromium’s MSE decodes FLAC in MP4 (the Lossless level is offered only then)', async ({ page }) => {
  await page.goto(srv.url);
  const support = await page.evaluate(() => ({
    flac: MediaSource.isTypeSupported('audio/mp4; codecs="flac"'),
    aac: MediaSource.isTypeSupported('audio/mp4; codecs="mp4a.40.2"'),
  }));
  expect(support).toEqual({ flac: true, aac: true });
});

test('the gapless engine plays the lossless album bit for bit: 0-sample seams', async ({ page }) => {
  test.setTimeout(120_000);
  const tracks = trackInputs(srv, ALBUM);
  const { cap, log } = await playAndCapture(page, srv, (p) =>
    p.evaluate(
      ([t, level]) => window.gapless.runEngine(t, { normalisation: { mode: 'off' } }, undefined, level),
      [tracks, LOSSLESS] as const,
    ),
  );
  expect(levelsPlayed(log)).toEqual(['0:4', '1:4', '2:4']);
  const ints = sourceInts(ALBUM);
  const total = ints.length / 2;
  const onset = onsetOf(cap);
  const diff = mismatches(cap, onset, ints, 0, total);
  // The seams, measured like gapless.spec.ts does, are exactly where the album's cuts are.
  const ref = albumReference();
  const { seams } = measureSeams(cap, ref, ref.cuts, 44100);
  console.log(JSON.stringify({ onset, total, mismatched: diff, seams: seams.map((s) => s.errorSamples) }));
  expect(diff).toEqual({ count: 0, first: -1 });
  expect(seams.map((s) => s.errorSamples)).toEqual([0, 0]);
  // And nothing after the last sample: the track ends where the source does (no padding, no lead-in).
  const tail = cap.l.subarray(onset + total, onset + total + 4410);
  expect(tail.every((v) => v === 0)).toBe(true);
});

test('switching between FLAC and AAC at the seams keeps them sample-accurate', async ({ page }) => {
  test.setTimeout(120_000);
  const tracks = trackInputs(srv, ALBUM);
  // Every rung has the same segment count (the fixture check and the ladder test hold them to one grid).
  const segCount = (id: string) =>
    readFileSync(`${srv.fixtures.root}/${id}/lossless/index.m3u8`, 'utf8')
      .split('\n')
      .filter((l) => l.endsWith('.m4s')).length;
  const waitSegment = (p: Page, trackIndex: number, segment: number) =>
    p.waitForFunction(
      ([t, s]) =>
        window.gapless.log.some(
          (e) =>
            e.type === 'segment' &&
            (e.detail as { trackIndex: number }).trackIndex === t &&
            (e.detail as { segment: number }).segment === s,
        ),
      [trackIndex, segment] as const,
      { polling: 10, timeout: 60_000 },
    );
  const { cap, log } = await playAndCapture(page, srv, async (p) => {
    // A short buffer, so each switch lands on the next track's first segment: FLAC → AAC 320k → FLAC.
    await p.evaluate(
      ([t, level]) =>
        window.gapless.runEngine(
          t,
          { bufferAheadSeconds: 3, normalisation: { mode: 'off' } },
          undefined,
          level,
        ),
      [tracks, LOSSLESS] as const,
    );
    await waitSegment(p, 0, segCount(ALBUM[0]!) - 1);
    await p.evaluate((l) => window.gapless.setLevel(l), AAC_320);
    await waitSegment(p, 1, segCount(ALBUM[1]!) - 1);
    await p.evaluate((l) => window.gapless.setLevel(l), LOSSLESS);
  });
  const s1 = seamLevels(log, 0);
  const s2 = seamLevels(log, 1);
  expect([s1, s2]).toEqual([
    { before: LOSSLESS, after: AAC_320 },
    { before: AAC_320, after: LOSSLESS },
  ]);
  const ref = albumReference();
  const { seams } = measureSeams(cap, ref, ref.cuts, 44100);
  // The FLAC tracks around the AAC one are still the source's samples, each in its place.
  const ints = sourceInts(ALBUM);
  const onset = onsetOf(cap);
  const [c1, c2] = [ALBUM_CUTS[0], ALBUM_CUTS[0] + ALBUM_CUTS[1]];
  const first = mismatches(cap, onset, ints, 0, c1);
  const third = mismatches(cap, onset, ints, c2, ints.length / 2);
  console.log(JSON.stringify({ seams, first, third }));
  const pairs = [
    [
      { id: ALBUM[0]!, rung: 'lossless' },
      { id: ALBUM[1]!, rung: '320k' },
    ],
    [
      { id: ALBUM[1]!, rung: '320k' },
      { id: ALBUM[2]!, rung: 'lossless' },
    ],
  ] as const;
  seams.forEach((s, i) => {
    expect(Math.abs(s.errorSamples), `seam at ${s.cut}: ${s.errorSamples} samples`).toBeLessThanOrEqual(
      MAX_SEAM_SAMPLES,
    );
    // No click: the step at the seam is what the two encodings joined offline have there.
    const ideal = idealSeamStep(srv, pairs[i]![0], pairs[i]![1]);
    expect(s.step / ideal, `click at seam ${s.cut}`).toBeLessThanOrEqual(1.25);
  });
  expect(first.count).toBe(0);
  expect(third.count).toBe(0);
});

test('hls.js (the fallback engine) plays the lossless rung and its audio is the source’s', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const id = ALBUM[0]!;
  const t = srv.fixtures.tracks[id]!;
  const { cap, log } = await playAndCapture(page, srv, async (p) => {
    await p.addScriptTag({ url: '/hls.js' });
    await p.evaluate(([url, level]) => window.gapless.runHls(url, level), [
      `${srv.url}/fx/${t.master}`,
      LOSSLESS,
    ] as const);
  });
  const levels = log.find((e) => e.type === 'levels')?.detail as unknown as {
    bitrate: number;
    codecs: string;
  }[];
  expect(levels.map((l) => l.codecs)).toEqual(['mp4a.40.2', 'mp4a.40.2', 'mp4a.40.2', 'mp4a.40.2', 'fLaC']);
  const played = new Set(log.filter((e) => e.type === 'segment').map((e) => e.detail?.level));
  expect([...played]).toEqual([LOSSLESS]);
  // hls.js does not cut the lead-in (1024 zero samples, silent), so the source starts at the onset.
  const ints = sourceInts([id]);
  const onset = onsetOf(cap);
  const diff = mismatches(cap, onset, ints, 0, ints.length / 2);
  console.log(JSON.stringify({ onset, mismatched: diff }));
  expect(diff).toEqual({ count: 0, first: -1 });
});
