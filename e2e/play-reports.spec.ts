// Play reporting: once a song has been heard past the counting threshold (30 s, or half of a shorter
// track) the player calls play.report, once per play; the home page then lists the song under
// "Recently played" (play.recent) beside "Recommended for you" (discovery.forYou).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { Artist, connectDb, disconnectDb, PlayEvent, User } from '@tonearm/db';
import { signedIn } from './fixtures';

let artistPath = '';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // The same five 20 s songs as the playback suite (idempotent: ready songs are skipped).
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

const bar = (page: Page) => page.getByRole('region', { name: 'Now playing' });

async function playsOf(email: string): Promise<{ songId: string; playedSec: number }[]> {
  await connectDb();
  try {
    const user = await User.findOne({ email }).lean();
    if (!user) return [];
    const events = await PlayEvent.find({ userId: user._id }).lean();
    return events.map((e) => ({ songId: String(e.songId), playedSec: e.playedSec ?? 0 }));
  } finally {
    await disconnectDb();
  }
}

test('a song heard past the threshold is reported once and shows under Recently played', async ({ page }) => {
  test.setTimeout(120_000);
  const user = await signedIn(page, 'Reporter');

  // Nothing played yet: no Recently played shelf; recommendations start from the charts.
  await page.goto('/');
  await expect(page.getByTestId('top-songs').getByRole('listitem').first()).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Recently played' })).toHaveCount(0);
  await expect(page.getByTestId('recommended').getByRole('listitem').first()).toBeVisible();

  await page.goto(artistPath);
  // A 20 s tone (threshold 10 s); other suites also give the artist a 90 s one.
  const link = page.getByTestId('artist-top').locator('.track-title', { hasText: '(20 s)' }).first();
  const title = ((await link.textContent()) ?? '').trim();
  const songHref = await link.getAttribute('href');
  const songId = songHref?.split('/').at(-1) ?? '';
  // Only this song in the queue, so what is reported is unambiguous.
  await page.goto(songHref!);
  await page.getByRole('main').getByRole('button', { name: 'Play', exact: true }).click();
  await expect(bar(page).getByTestId('now-playing-title')).toHaveText(title);

  // Below the threshold (10 s of a 20 s track) nothing is reported yet.
  await expect(bar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible({
    timeout: 15_000,
  });
  await page.waitForTimeout(4_000);
  expect(await playsOf(user.email)).toEqual([]);

  // Past it: exactly one report for this play, however long it keeps playing.
  await expect.poll(() => playsOf(user.email), { timeout: 20_000 }).toHaveLength(1);
  await page.waitForTimeout(5_000);
  const plays = await playsOf(user.email);
  expect(plays).toHaveLength(1);
  expect(plays[0]!.songId).toBe(songId);
  expect(plays[0]!.playedSec).toBeGreaterThanOrEqual(10);

  // The home page (client-side navigation, the player keeps going) lists it first.
  await page.getByRole('link', { name: 'Home' }).first().click();
  const recent = page.getByTestId('recently-played');
  await expect(recent.locator('.track-title').first()).toHaveText(title);
  await expect(page.getByRole('heading', { name: 'Recommended for you' })).toBeVisible();
  // Recommendations leave out what was just heard.
  const forYou = page.getByTestId('recommended').locator('.track-title');
  await expect(forYou.first()).toBeVisible();
  expect((await forYou.allTextContents()).map((t) => t.trim())).not.toContain(title);
});
