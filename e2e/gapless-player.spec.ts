// The web player itself on the gapless engine (issue 11): two consecutive tracks of an album, made by
// the real transcode pipeline (scripts/demo-media.ts --album) with the album's loudness measured by the
// album job's function, play with the listener's normalisation applied (gain = target − loudness,
// capped so the true peak stays at −1 dBTP), and track 2 starts on the same media element, on the
// next sample of its timeline. The engine's diagnostics (window.__tonearmPlayer) report the gain its
// gain node holds and each handover.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { Album, connectDb, disconnectDb, Song } from '@tonearm/db';
import { signedIn } from './fixtures';

const ALBUM = 'Gapless Suite';
type Loud = { loudnessLufs: number; truePeakDb: number };
let albumPath = '';
let tracks: ({ title: string } & Loud)[] = [];
let album: Loud;

type Debug = {
  engine: string;
  songId: string | null;
  mediaElements: number;
  gainDb: number | null;
  appliedGainDb: number | null;
  isPeakLimited: boolean;
  basis: string | null;
  settings: { normalisation: string; targetLufs: number; crossfadeSec: number };
  handovers: { songId: string; elementTime: number; atMs: number; mediaElements: number }[];
};

test.beforeAll(async () => {
  test.setTimeout(300_000);
  execFileSync(
    'pnpm',
    ['exec', 'tsx', 'scripts/demo-media.ts', '--count', '2', '--seconds', '12', '--album', ALBUM],
    { cwd: join(import.meta.dirname, '..'), stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  await connectDb();
  const a = await Album.findOne({ title: ALBUM }).lean();
  if (!a) throw new Error('demo-media made no album');
  const songs = await Song.find({ albumId: a._id }).sort({ trackNumber: 1 }).lean();
  await disconnectDb();
  expect(songs.map((s) => s.media?.status)).toEqual(['ready', 'ready']);
  expect(a.loudnessLufs, 'the album loudness was measured').not.toBeNull();
  expect(songs[0]!.media!.loudnessLufs! - songs[1]!.media!.loudnessLufs!).toBeGreaterThan(4);
  albumPath = `/album/${String(a._id)}`;
  album = { loudnessLufs: a.loudnessLufs!, truePeakDb: a.truePeakDb! };
  tracks = songs.map((s) => ({
    title: s.title,
    loudnessLufs: s.media!.loudnessLufs!,
    truePeakDb: s.media!.truePeakDb!,
  }));
});

const bar = (page: Page) => page.getByRole('region', { name: 'Now playing' });
const debug = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __tonearmPlayer?: () => unknown }).__tonearmPlayer?.() as Debug | null,
  );
/** The gain the settings ask for: target − loudness, capped so the true peak stays at −1 dBTP. */
const expectedGain = (target: number, l: Loud) => Math.min(target - l.loudnessLufs, -1 - l.truePeakDb);

async function openSettings(page: Page) {
  await bar(page).getByRole('button', { name: 'Playback settings' }).click();
  return page.getByTestId('playback-settings');
}

async function playFirstAndHandOver(page: Page): Promise<{ before: Debug; after: Debug }> {
  await page.goto(albumPath);
  await page
    .getByTestId('album-tracks')
    .getByRole('button', { name: `Play ${tracks[0]!.title} by`, exact: false })
    .click();
  await expect(bar(page).getByTestId('now-playing-title')).toHaveText(tracks[0]!.title);
  await expect(bar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect
    .poll(async () => (await debug(page))?.appliedGainDb ?? null, { timeout: 15_000 })
    .not.toBeNull();
  // Near the end of track 1, once track 2 is queued behind it (the provider preloads it at once).
  const seek = bar(page).getByRole('slider', { name: 'Seek' });
  const max = Number(await seek.getAttribute('max'));
  await seek.fill(String(max - 3));
  await expect.poll(async () => (await debug(page))?.appliedGainDb ?? null).not.toBeNull();
  const before = (await debug(page))!;
  await expect(bar(page).getByTestId('now-playing-title')).toHaveText(tracks[1]!.title, { timeout: 15_000 });
  await expect(bar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect(bar(page).getByRole('alert')).toHaveCount(0);
  return { before, after: (await debug(page))! };
}

test('track mode: each track gets target − its loudness (peak-capped), and track 2 follows on the same element', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signedIn(page, 'Gapless');
  await page.goto(albumPath);
  const settings = await openSettings(page);
  await settings.getByRole('radio', { name: 'Per track' }).check();
  await settings.getByLabel('Target loudness').selectOption('-11');
  await page.keyboard.press('Escape');
  const { before, after } = await playFirstAndHandOver(page);
  console.log(JSON.stringify({ tracks, before, after }));
  expect(before.engine).toBe('gapless');
  expect(before.settings).toMatchObject({ normalisation: 'track', targetLufs: -11 });
  expect(before.gainDb!).toBeCloseTo(expectedGain(-11, tracks[0]!), 2);
  expect(before.appliedGainDb!).toBeCloseTo(before.gainDb!, 2);
  // The handover: track 2 began on the element that played track 1 (no new element, no reload), and
  // the engine saw it within one tick of its first sample.
  const h = after.handovers.at(-1)!;
  expect(h.mediaElements).toBe(before.mediaElements);
  expect(after.mediaElements).toBe(before.mediaElements);
  expect(h.elementTime).toBeLessThan(0.25);
  expect(after.songId).not.toBe(before.songId);
  await expect
    .poll(async () => (await debug(page))!.appliedGainDb!)
    .toBeCloseTo(expectedGain(-11, tracks[1]!), 2);
  expect(after.gainDb!).toBeCloseTo(expectedGain(-11, tracks[1]!), 2);
  // The parts are mastered 6 dB apart: track mode evens them out.
  expect(after.gainDb! - before.gainDb!).toBeGreaterThan(4);
});

test('album mode: both tracks get the album’s gain, and the settings persist across a reload', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signedIn(page, 'Albumist');
  await page.goto(albumPath);
  let settings = await openSettings(page);
  await settings.getByRole('radio', { name: 'Per album' }).check();
  await settings.getByLabel('Target loudness').selectOption('-14');
  await page.keyboard.press('Escape');
  await expect(settings).toHaveCount(0);
  await expect(bar(page).getByRole('button', { name: 'Playback settings' })).toBeFocused();
  const { before, after } = await playFirstAndHandOver(page);
  const want = expectedGain(-14, album);
  console.log(JSON.stringify({ album, before, after, want }));
  expect(before.basis).toBe('album');
  expect(before.appliedGainDb!).toBeCloseTo(want, 2);
  expect(after.gainDb!).toBeCloseTo(want, 2);
  expect((await debug(page))!.appliedGainDb!).toBeCloseTo(want, 2);
  expect(after.handovers.at(-1)!.mediaElements).toBe(before.mediaElements);

  // Off is one click away, and everything survives a reload (localStorage).
  settings = await openSettings(page);
  await settings.getByRole('radio', { name: 'Off' }).check();
  await expect.poll(async () => (await debug(page))!.appliedGainDb!).toBeCloseTo(0, 2);
  const fade = settings.getByRole('slider', { name: 'Crossfade' });
  await fade.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(fade).toHaveAttribute('aria-valuetext', '3 s');
  await page.reload();
  settings = await openSettings(page);
  await expect(settings.getByRole('radio', { name: 'Off' })).toBeChecked();
  await expect(settings.getByLabel('Target loudness')).toBeDisabled();
  await expect(settings.getByRole('slider', { name: 'Crossfade' })).toHaveAttribute('aria-valuetext', '3 s');
});
