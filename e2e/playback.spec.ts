// Real playback through the player: playback.start → signed master playlist → hls.js on the dev
// edge. scripts/demo-media.ts makes five 20 s songs by "Tonearm Test Tones" with the real transcode
// pipeline; the tests play them from that artist's page. The ABR test needs a track long enough to
// outlast a throttle and its lifting: the 90 s tone media-playback.spec.ts also uses (cached).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { Artist, connectDb, disconnectDb, Song } from '@tonearm/db';
import { signedIn } from './fixtures';

let artistPath = '';
let longSongPath = '';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // Idempotent: songs that already have audio are skipped.
  const demo = (count: string, seconds: string) =>
    execFileSync('pnpm', ['exec', 'tsx', 'scripts/demo-media.ts', '--count', count, '--seconds', seconds], {
      cwd: join(import.meta.dirname, '..'),
      stdio: 'ignore',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
  demo('5', '20');
  demo('1', '90');
  await connectDb();
  const artist = await Artist.findOne({ name: 'Tonearm Test Tones' }).lean();
  const long = await Song.findOne({ title: 'Tone Study No. 1 (90 s)', 'media.status': 'ready' }).lean();
  await disconnectDb();
  if (!artist || !long) throw new Error('demo-media made no artist or no 90 s song');
  artistPath = `/artist/${String(artist._id)}`;
  longSongPath = `/song/${String(long._id)}`;
});

/** Opens the test artist's page and returns the titles of its songs, in list order. */
async function openTones(page: Page): Promise<string[]> {
  await page.goto(artistPath);
  const rows = page.getByTestId('artist-top').getByRole('listitem');
  // At least the five 20 s tones (the 90 s one joins them once the artist's cached list refreshes).
  await expect(rows.nth(4)).toBeVisible();
  return (await page.getByTestId('artist-top').locator('.track-title').allTextContents()).map((t) =>
    t.trim(),
  );
}

const bar = (page: Page) => page.getByRole('region', { name: 'Now playing' });

/** Seconds shown by the seek slider ("0:07 of 0:20" → 7). */
async function position(page: Page): Promise<number> {
  const text = (await bar(page).getByRole('slider', { name: 'Seek' }).getAttribute('aria-valuetext')) ?? '';
  const m = /^(\d+):(\d\d)/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
}

async function expectPlaying(page: Page, title: string, pastSec = 1) {
  await expect(bar(page).getByTestId('now-playing-title')).toHaveText(title);
  await expect(bar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect.poll(() => position(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(pastSec);
  await expect(bar(page).getByRole('alert')).toHaveCount(0);
}

test('plays a song, shows its bitrate, pauses, seeks, and moves through the queue in order', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signedIn(page, 'Listener');
  const titles = await openTones(page);
  await page
    .getByTestId('artist-top')
    .getByRole('button', { name: `Play ${titles[0]} by`, exact: false })
    .first()
    .click();
  await expectPlaying(page, titles[0]!, 3);
  await expect(bar(page).getByRole('button', { name: /^Audio quality: Auto · \d+ kbps$/ })).toBeVisible();

  // Pause holds the position.
  await bar(page).getByRole('button', { name: 'Pause', exact: true }).click();
  const held = await position(page);
  await page.waitForTimeout(1500);
  expect(await position(page)).toBe(held);
  await bar(page).getByRole('button', { name: 'Play', exact: true }).click();

  // Seek forward by keyboard on the slider.
  const before = await position(page);
  const seek = bar(page).getByRole('slider', { name: 'Seek' });
  await seek.focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => position(page)).toBeGreaterThanOrEqual(before + 5);

  // The queue lists the rest of the songs in order; next plays them in that order.
  await bar(page).getByRole('button', { name: 'Queue', exact: true }).click();
  await expect(page.getByTestId('queue-next').locator('.jump span:first-child')).toHaveText(titles.slice(1));
  await page.keyboard.press('Escape');
  await bar(page).getByRole('button', { name: 'Next', exact: true }).click();
  await expectPlaying(page, titles[1]!);
  await bar(page).getByRole('button', { name: 'Next', exact: true }).click();
  await expectPlaying(page, titles[2]!);
  // Previous within the first seconds goes back a song.
  await bar(page).getByRole('button', { name: 'Previous', exact: true }).click();
  await expectPlaying(page, titles[1]!);
});

test('a song that ends hands over to the next one by itself (preloaded)', async ({ page }) => {
  test.setTimeout(90_000);
  await signedIn(page, 'Album');
  const titles = await openTones(page);
  await page
    .getByTestId('artist-top')
    .getByRole('button', { name: `Play ${titles[3]} by`, exact: false })
    .first()
    .click();
  await expectPlaying(page, titles[3]!);
  const seek = bar(page).getByRole('slider', { name: 'Seek' });
  const max = Number(await seek.getAttribute('max'));
  await seek.fill(String(max - 3));
  await expect(bar(page).getByTestId('now-playing-title')).toHaveText(titles[4]!, { timeout: 15_000 });
  await expectPlaying(page, titles[4]!);
});

test('the quality menu pins a bitrate and returns to automatic', async ({ page }) => {
  test.setTimeout(60_000);
  await signedIn(page, 'Audiophile');
  const titles = await openTones(page);
  await page
    .getByTestId('artist-top')
    .getByRole('button', { name: `Play ${titles[0]} by`, exact: false })
    .first()
    .click();
  await expectPlaying(page, titles[0]!);
  const quality = bar(page).getByRole('button', { name: /^Audio quality: / });
  await quality.click();
  const menu = page.getByRole('group', { name: 'Audio quality' });
  await expect(menu.getByRole('radio')).toHaveCount(5);
  await menu.getByRole('radio', { name: '64 kbps', exact: true }).check();
  await expect(quality).toHaveAccessibleName('Audio quality: 64 kbps');
  await expect(menu.getByRole('radio', { name: '64 kbps', exact: true })).toBeChecked();
  await menu.getByRole('radio', { name: /^Automatic/ }).check();
  await expect(quality).toHaveAccessibleName(/^Audio quality: Auto/);
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(quality).toBeFocused();
});

test('on a throttled network the bar shows the lowest bitrate, and a higher one once the throttle lifts', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await signedIn(page, 'Commuter');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const throttle = (kbps: number | null) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: kbps === null ? 0 : 40,
      downloadThroughput: kbps === null ? -1 : (kbps * 1000) / 8,
      uploadThroughput: kbps === null ? -1 : (kbps * 1000) / 8,
    });
  await page.goto(longSongPath);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tone Study No. 1 (90 s)');
  // ~100 kbit/s: below the 128k rung, above the 64k one.
  await throttle(100);
  await page.getByRole('main').getByRole('button', { name: 'Play', exact: true }).click();
  const quality = bar(page).getByRole('button', { name: /^Audio quality: / });
  await expect(quality).toHaveAccessibleName('Audio quality: Auto · 64 kbps', { timeout: 60_000 });
  await expectPlaying(page, 'Tone Study No. 1 (90 s)');
  await expect(quality).toHaveAccessibleName('Audio quality: Auto · 64 kbps');

  // Lifted: ABR measures the faster fragments and climbs; the bar shows the level that plays.
  await throttle(null);
  await expect(quality).toHaveAccessibleName(/^Audio quality: Auto · (128|192|320) kbps$/, {
    timeout: 45_000,
  });
  expect(await position(page)).toBeLessThan(88);
  await expect(bar(page).getByRole('alert')).toHaveCount(0);
});
