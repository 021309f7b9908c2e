import { expect, test } from '@playwright/test';
import { connectDb, disconnectDb, Song } from '@tonearm/db';
import { openHome, topSongTitles } from './fixtures';

test('the home page lists the most played songs from MongoDB, in order', async ({ page }) => {
  await connectDb();
  const top = await Song.find().sort({ playCount: -1, _id: 1 }).limit(20).lean();
  await disconnectDb();
  await openHome(page);
  await expect(page.getByRole('heading', { name: 'Top songs' })).toBeVisible();
  expect(await topSongTitles(page)).toEqual(top.map((s) => s.title));
  const first = page.getByTestId('top-songs').getByRole('listitem').first();
  await expect(first).toContainText(top[0]!.artistName);
});

test('a song row links to the song page, which shows its details', async ({ page }) => {
  await connectDb();
  const song = await Song.findOne({ title: 'Tití Me Preguntó', artistName: 'Bad Bunny' }).lean();
  await disconnectDb();
  await page.goto('/search?q=Tit%C3%AD%20Me%20Pregunt%C3%B3');
  const row = page.getByTestId('search-songs').getByRole('listitem').first();
  await row.getByRole('link', { name: 'Tití Me Preguntó' }).click();
  await expect(page).toHaveURL(/\/song\/[0-9a-f]{24}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tití Me Preguntó');
  await expect(page.getByRole('main')).toContainText('Bad Bunny');
  await expect(page.getByRole('main')).toContainText(
    `${(song?.playCount ?? 0).toLocaleString('en-US')} plays`,
  );
  await expect(page).toHaveTitle('Tití Me Preguntó · Tonearm');
});

test('a song that does not exist says so instead of showing an empty page', async ({ page }) => {
  await page.goto('/song/0123456789abcdef01234567');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Song not found');
});

test('a song page lists "More like this": other playable songs, never the song itself', async ({ page }) => {
  await page.goto('/search?q=Tit%C3%AD%20Me%20Pregunt%C3%B3');
  await page
    .getByTestId('search-songs')
    .getByRole('listitem')
    .first()
    .getByRole('link', { name: 'Tití Me Preguntó' })
    .click();
  const more = page.getByTestId('more-like-this');
  await expect(more.getByRole('listitem').first()).toBeVisible();
  await expect(more).not.toContainText('Tití Me Preguntó');
});
