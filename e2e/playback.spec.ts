// Real playback through the player: playback.start → signed master playlist → hls.js on the dev
// edge. scripts/demo-media.ts makes five 20 s songs by "Tonearm Test Tones" with the real transcode
// pipeline; the tests play them from that artist's page.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { Artist, connectDb, disconnectDb } from '@tonearm/db';
import { newUser, signUp } from './fixtures';

let artistPath = '';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // Idempotent: songs that already have audio are skipped.
  execFileSync('pnpm', ['exec', 'tsx', 'scripts/demo-media.ts', '--count', '5', '--seconds', '20'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'ignore',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  await connectDb();
  const artist = await Artist.findOne({ name: 'Tonearm Test Tones' }).lean();
  await disconnectDb();
  if (!artist) throw new Error('demo-media made no artist');
  artistPath = `/artist/${String(artist._id)}`;
});

/** Opens the test artist's page and returns the titles of its songs, in list order. */
async function openTones(page: Page): Promise<string[]> {
  await page.goto(artistPath);
  const rows = page.getByTestId('artist-top').getByRole('listitem');
  await expect(rows).toHaveCount(5);
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
  await signUp(page, newUser('Listener'));
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
  await signUp(page, newUser('Album'));
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
  await signUp(page, newUser('Audiophile'));
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

test('on a throttled network hls.js settles on the lowest bitrate and the bar says so', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, newUser('Commuter'));
  const titles = await openTones(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // ~100 kbit/s: below the 128k rung, above the 64k one.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 40,
    downloadThroughput: 100_000 / 8,
    uploadThroughput: 100_000 / 8,
  });
  await page
    .getByTestId('artist-top')
    .getByRole('button', { name: `Play ${titles[0]} by`, exact: false })
    .first()
    .click();
  const quality = bar(page).getByRole('button', { name: /^Audio quality: / });
  await expect(quality).toHaveAccessibleName('Audio quality: Auto · 64 kbps', { timeout: 60_000 });
  await expectPlaying(page, titles[0]!);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
});
