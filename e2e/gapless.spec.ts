// Gapless + loudness-normalised playback (issue 11): the engine plays fixture tracks made with the
// pipeline's ladder command in Debian Chromium; an AudioWorklet taps its output and the test rebuilds
// the signal. Fixtures are built once and cached under .data/fixtures/gapless.
import { expect, type Page, test } from '@playwright/test';
import { bestMatch, firstAbove, integratedLoudness, measureSeams, truePeakDb } from './gapless/analysis';
import { ALBUM_CUTS, decodeF32, decodeRendition, ebur128, rungAt } from './gapless/fixtures';
import {
  albumReference,
  idealSeamStep,
  type LogEvent,
  type PageServer,
  playAndCapture,
  seamLevels,
  startPageServer,
  trackInputs,
} from './gapless/harness';

const ALBUM = ['album-t1', 'album-t2', 'album-t3'];
/** 1 ms at 44.1 kHz. */
const MAX_SEAM_SAMPLES = 44;
/** Step at the seam may exceed the exact offline join by this factor (decoder build, float rounding). */
const STEP_TOLERANCE = 1.25;

let srv: PageServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  srv = await startPageServer();
});
test.afterAll(async () => srv?.close());

/** `from`: the album sample the capture starts at (after a seek); the reference is taken from there. */
function checkAlbumSeams(cap: Parameters<typeof measureSeams>[0], log: LogEvent[], from = 0) {
  const album = albumReference();
  const ref = { l: album.l.subarray(from), r: album.r.subarray(from) };
  const { seams } = measureSeams(
    cap,
    ref,
    album.cuts.map((c) => c - from),
    44100,
  );
  const rows = seams.map((s, i) => {
    const lv = seamLevels(log, i);
    const a = { id: ALBUM[i]!, rung: rungAt(srv.fixtures, ALBUM[i]!, lv.before) };
    const b = { id: ALBUM[i + 1]!, rung: rungAt(srv.fixtures, ALBUM[i + 1]!, lv.after) };
    const ideal = idealSeamStep(srv, a, b);
    return { ...s, levels: `${a.rung}→${b.rung}`, ideal, stepRatio: s.step / ideal };
  });
  console.log(JSON.stringify(rows));
  for (const r of rows) {
    expect(Math.abs(r.errorSamples), `seam at ${r.cut}: ${r.errorMs.toFixed(3)} ms`).toBeLessThanOrEqual(
      MAX_SEAM_SAMPLES,
    );
    expect(r.stepRatio, `click at seam ${r.cut}`).toBeLessThanOrEqual(STEP_TOLERANCE);
  }
  return rows;
}

test('the loudness meter used below agrees with ffmpeg ebur128', () => {
  // The album tracks start and stop mid-waveform: ffmpeg and this meter treat that hard edge differently
  // (this one zero-pads and so reports the edge overshoot, the stricter choice), so they are left out.
  for (const id of ['pair-quiet', 'pair-loud', 'clip']) {
    const t = srv.fixtures.tracks[id]!;
    const d = decodeF32(`${srv.fixtures.root}/${id}/source.mp3`);
    const l = new Float32Array(d.length / 2);
    const r = new Float32Array(d.length / 2);
    for (let i = 0; i < l.length; i++) {
      l[i] = d[2 * i]!;
      r[i] = d[2 * i + 1]!;
    }
    const lufs = integratedLoudness(l, r, 44100);
    const tp = truePeakDb([l, r]);
    console.log(JSON.stringify({ id, lufs, ffmpegLufs: t.loudnessLufs, tp, ffmpegTp: t.truePeakDb }));
    expect(Math.abs(lufs - t.loudnessLufs)).toBeLessThan(0.2);
    expect(Math.abs(tp - t.truePeakDb)).toBeLessThan(0.3);
  }
  expect(ebur128([`${srv.fixtures.root}/pair-loud/source.mp3`]).loudnessLufs).toBeCloseTo(
    srv.fixtures.tracks['pair-loud']!.loudnessLufs,
    1,
  );
});

test('the seam measurement sees a 1 ms gap and a 1 ms overlap in an offline join', () => {
  // Exact offline join of the 320k renditions, then 44 zero samples inserted at seam 1 and the first
  // 44 samples of track 3 dropped at seam 2: the analysis must report +44 and −44 and flag the gap.
  const parts = ALBUM.map((id) => decodeRendition(srv.fixtures, id, '320k'));
  const gap = 44;
  const lead = 4096;
  const pieces = [parts[0]!, new Float32Array(2 * gap), parts[1]!, parts[2]!.subarray(2 * gap)];
  const n = pieces.reduce((a, p) => a + p.length / 2, 0);
  const l = new Float32Array(lead + n);
  const r = new Float32Array(lead + n);
  let o = lead;
  for (const p of pieces) {
    for (let i = 0; i < p.length / 2; i++) {
      l[o + i] = p[2 * i]!;
      r[o + i] = p[2 * i + 1]!;
    }
    o += p.length / 2;
  }
  const ref = albumReference();
  const { seams } = measureSeams({ l, r }, ref, ref.cuts, 44100);
  expect(seams.map((s) => s.errorSamples)).toEqual([gap, -gap]);
  const ideal = idealSeamStep(srv, { id: ALBUM[0]!, rung: '320k' }, { id: ALBUM[1]!, rung: '320k' });
  expect(seams[0]!.step / ideal).toBeGreaterThan(STEP_TOLERANCE);
});

test('an album cut mid-signal plays with no gap, overlap or click at either seam', async ({ page }) => {
  test.setTimeout(120_000);
  const tracks = trackInputs(srv, ALBUM);
  const { cap, log } = await playAndCapture(page, srv, (p) =>
    p.evaluate((t) => window.gapless.runEngine(t, { bufferAheadSeconds: 5 }), tracks),
  );
  checkAlbumSeams(cap, log);
});

test('seams stay exact when the bandwidth throttle changes the ABR level at the seam', async ({ page }) => {
  test.setTimeout(120_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const throttle = (kbps: number) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: kbps < 0 ? 0 : 20,
      downloadThroughput: kbps < 0 ? -1 : (kbps * 1000) / 8,
      uploadThroughput: -1,
    });
  const waitSegment = (p: Page, trackIndex: number, segment: number) =>
    p.waitForFunction(
      ([t, s]) =>
        window.gapless.log.some(
          (e) =>
            e.type === 'segment' &&
            (e.detail as { trackIndex: number }).trackIndex === t &&
            (e.detail as { segment: number }).segment === s &&
            !(e.detail as { aborted: boolean }).aborted,
        ),
      [trackIndex, segment] as const,
      { polling: 20, timeout: 60_000 },
    );
  const tracks = trackInputs(srv, ALBUM);
  const { cap, log } = await playAndCapture(page, srv, async () => {
    await page.evaluate((t) => window.gapless.runEngine(t, { bufferAheadSeconds: 5 }), tracks);
    // Track 1 ends on the top rung; the throttle drops before track 2's first segment is fetched...
    await waitSegment(page, 0, 1);
    await throttle(240);
    // ...and lifts once it has arrived, so track 3 starts higher again.
    await waitSegment(page, 1, 0);
    await throttle(-1);
  });
  const s1 = seamLevels(log, 0);
  const s2 = seamLevels(log, 1);
  expect(s1.after, 'throttle lowered the level at seam 1').toBeLessThan(s1.before);
  expect(s2.after, 'lifting it raised the level at seam 2').toBeGreaterThan(s2.before);
  checkAlbumSeams(cap, log);
});

/** Splits a gapless capture of consecutive tracks of known lengths (the first starts at the onset). */
function splitTracks(cap: { l: Float32Array; r: Float32Array }, onset: number, lengths: number[]) {
  let at = onset;
  return lengths.map((n) => {
    const part = { l: cap.l.subarray(at, at + n), r: cap.r.subarray(at, at + n) };
    at += n;
    return part;
  });
}

test('two tracks mastered 12 LU apart both play within ±1 LU of the target', async ({ page }) => {
  test.setTimeout(120_000);
  const target = -14;
  const ids = ['pair-quiet', 'pair-loud'];
  const [q, l] = ids.map((id) => srv.fixtures.tracks[id]!);
  expect(l!.loudnessLufs - q!.loudnessLufs).toBeCloseTo(12, 0);
  const tracks = trackInputs(srv, ids);
  const { cap } = await playAndCapture(page, srv, (p) =>
    p.evaluate(
      (t) => window.gapless.runEngine(t, { normalisation: { mode: 'track', targetLufs: -14 } }),
      tracks,
    ),
  );
  // The quiet track starts at −35 LUFS before gain: find it by cross-checking both channels' onset.
  const onset = cap.l.findIndex((v, i) => Math.abs(v) > 1e-4 || Math.abs(cap.r[i]!) > 1e-4);
  const parts = splitTracks(cap, onset, [q!.sourceSamples, l!.sourceSamples]);
  const measured = parts.map((p) => integratedLoudness(p.l, p.r, 44100));
  console.log(JSON.stringify({ source: [q!.loudnessLufs, l!.loudnessLufs], measured }));
  for (const m of measured) expect(Math.abs(m - target)).toBeLessThanOrEqual(1);
});

test('a track whose normalisation gain would clip is held below 0 dBTP', async ({ page }) => {
  test.setTimeout(120_000);
  const t = srv.fixtures.tracks.clip!;
  const wantedGain = -14 - t.loudnessLufs;
  expect(t.truePeakDb + wantedGain, 'the fixture would clip without the cap').toBeGreaterThan(1);
  const tracks = trackInputs(srv, ['clip']);
  const { cap } = await playAndCapture(page, srv, (p) =>
    p.evaluate(
      (x) => window.gapless.runEngine(x, { normalisation: { mode: 'track', targetLufs: -14 } }),
      tracks,
    ),
  );
  const peak = truePeakDb([cap.l, cap.r]);
  console.log(JSON.stringify({ sourcePeak: t.truePeakDb, wantedGain, outputPeakDbtp: peak }));
  expect(peak).toBeLessThan(0);
  // The cap costs only what it must: the peak sits near the −1 dBTP ceiling, not far below it.
  expect(peak).toBeGreaterThan(-2.5);
});

test('with a crossfade set, album tracks still join gaplessly and other tracks overlap by the crossfade', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const fade = 2;
  // Third: album-t1 presented as another album's track, so the engine must crossfade into it (its sweep
  // segment, unlike a steady chord, can be located in the capture without ambiguity).
  const [t2, t3, t1] = trackInputs(srv, ['album-t2', 'album-t3', 'album-t1']);
  const tracks = [t2!, t3!, { ...t1!, id: 'other-album-track', albumId: 'another-album' }];
  const { cap } = await playAndCapture(page, srv, (p) =>
    p.evaluate(
      (t) => window.gapless.runEngine(t, { crossfadeSeconds: 2, normalisation: { mode: 'off' } }),
      tracks,
    ),
  );
  // The album seam t2→t3: reference is the sweep from t2's first sample.
  const album = albumReference();
  const from = ALBUM_CUTS[0];
  const ref = { l: album.l.subarray(from), r: album.r.subarray(from) };
  const { seams } = measureSeams(cap, ref, [ALBUM_CUTS[1]], 44100);
  console.log(JSON.stringify(seams));
  expect(Math.abs(seams[0]!.errorSamples)).toBeLessThanOrEqual(MAX_SEAM_SAMPLES);
  // Where t3 ends and the other track starts in the capture, each located by its own content.
  const win = 32768;
  const t3End = seams[0]!.position + ALBUM_CUTS[2];
  const probeAt = 3 * 44100;
  const nextStart =
    bestMatch(
      cap.l,
      cap.r,
      album.l.subarray(probeAt, probeAt + win),
      album.r.subarray(probeAt, probeAt + win),
    ) - probeAt;
  const overlapSeconds = (t3End - nextStart) / 44100;
  console.log(JSON.stringify({ overlapSeconds }));
  expect(Math.abs(overlapSeconds - fade)).toBeLessThan(0.15);
});

test('starting mid-track (a seek) lands on the requested sample and the following seam stays exact', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const offsetSeconds = 3.5;
  const tracks = trackInputs(srv, ALBUM);
  const { cap } = await playAndCapture(page, srv, (p) =>
    p.evaluate(
      (t) => window.gapless.runEngine(t, { bufferAheadSeconds: 5 }, { index: 1, offsetSeconds: 3.5 }),
      tracks,
    ),
  );
  const album = albumReference();
  const from = ALBUM_CUTS[0] + Math.round(offsetSeconds * 44100);
  const ref = { l: album.l.subarray(from), r: album.r.subarray(from) };
  // The reference from the seek target must be found right at the first audible sample.
  const onset = firstAbove(cap.l, 0.005);
  const win = 32768;
  const probe = 22050;
  const found = bestMatch(
    cap.l.subarray(0, onset + 3 * 44100),
    cap.r.subarray(0, onset + 3 * 44100),
    ref.l.subarray(probe, probe + win),
    ref.r.subarray(probe, probe + win),
  );
  const seekErrorSamples = found - probe - onset;
  const { seams } = measureSeams(cap, ref, [ALBUM_CUTS[0] + ALBUM_CUTS[1] - from], 44100);
  console.log(JSON.stringify({ seekErrorSamples, seams }));
  expect(Math.abs(seekErrorSamples)).toBeLessThanOrEqual(MAX_SEAM_SAMPLES);
  expect(Math.abs(seams[0]!.errorSamples)).toBeLessThanOrEqual(MAX_SEAM_SAMPLES);
});

test('a seek inside the buffer keeps the media element, and both seams after it stay exact', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const tracks = trackInputs(srv, ALBUM);
  let decks: number[] = [];
  const { cap, log } = await playAndCapture(page, srv, async (p) => {
    await p.evaluate((t) => window.gapless.runEngine(t, { bufferAheadSeconds: 20 }), tracks);
    // Once track 1 is buffered past 5 s, jump there from about 1 s in.
    await p.waitForFunction(() => {
      const s = window.gapless.state() as { timeSeconds: number; bufferedSeconds: number } | null;
      return !!s && s.timeSeconds > 0.8 && s.bufferedSeconds > 6;
    });
    const before = await p.evaluate(() => window.gapless.decks());
    await p.evaluate(() => window.gapless.seek(5));
    decks = [before, await p.evaluate(() => window.gapless.decks())];
  });
  expect(decks[1], 'no new media element for an in-buffer seek').toBe(decks[0]);
  // The analysis reads a continuous signal: take the capture from where the seek target sounds.
  const from = 5 * 44100;
  const album = albumReference();
  const win = 65536;
  const at = bestMatch(cap.l, cap.r, album.l.subarray(from, from + win), album.r.subarray(from, from + win));
  const after = { l: cap.l.subarray(at - 2048), r: cap.r.subarray(at - 2048) };
  const rows = checkAlbumSeams(after, log, from);
  expect(rows.map((r) => r.errorSamples)).toHaveLength(2);
});

test('replacing the queued next track (a late queue change) keeps the join gapless', async ({ page }) => {
  test.setTimeout(120_000);
  const [t1, t2, t3] = trackInputs(srv, ALBUM);
  let replaced = false;
  const { cap } = await playAndCapture(page, srv, async (p) => {
    await p.evaluate((t) => window.gapless.runEngine(t, { bufferAheadSeconds: 20 }), [t1!, t2!]);
    // Once track 2 is buffered behind track 1, the listener puts track 3 next instead.
    await p.waitForFunction(() => {
      const s = window.gapless.state() as { timeSeconds: number; bufferedSeconds: number } | null;
      return !!s && s.timeSeconds > 1 && s.bufferedSeconds > 8;
    });
    replaced = await p.evaluate((t) => window.gapless.replaceUpcoming([t]), t3!);
  });
  expect(replaced).toBe(true);
  // Where track 1's last sample and track 3's first land in the capture, each by its own content.
  const album = albumReference();
  const win = 32768;
  const margin = 256;
  const [c1, c2] = album.cuts as [number, number];
  const end1 =
    bestMatch(
      cap.l,
      cap.r,
      album.l.subarray(c1 - margin - win, c1 - margin),
      album.r.subarray(c1 - margin - win, c1 - margin),
    ) +
    win +
    margin;
  const start3 =
    bestMatch(
      cap.l,
      cap.r,
      album.l.subarray(c2 + margin, c2 + margin + win),
      album.r.subarray(c2 + margin, c2 + margin + win),
    ) - margin;
  // Track 2 never sounds: nothing of its content is in the capture between them.
  console.log(JSON.stringify({ joinErrorSamples: start3 - end1, capturedSamples: cap.l.length }));
  expect(Math.abs(start3 - end1)).toBeLessThanOrEqual(MAX_SEAM_SAMPLES);
  expect(cap.l.length).toBeLessThan(end1 + ALBUM_CUTS[2] + 2 * 44100);
});
