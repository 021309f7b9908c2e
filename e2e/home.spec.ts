import { expect, test } from '@playwright/test';
import { openHome, topSongTitles } from './fixtures';

test('the home page lists the top songs from MongoDB, most played first', async ({ page }) => {
  await openHome(page);
  await expect(page.getByRole('heading', { name: 'Top songs' })).toBeVisible();
  const rows = page.getByTestId('top-songs').getByRole('listitem');
  // The seed gives Bad Bunny's "Tití Me Preguntó" the most plays and AC/DC's title track the fewest.
  await expect(rows.first()).toContainText('Tití Me Preguntó');
  await expect(rows.first()).toContainText('Bad Bunny');
  await expect(rows.first()).toContainText('Un Verano Sin Ti');
  const titles = await topSongTitles(page);
  expect(titles.length).toBeGreaterThanOrEqual(6);
  expect(titles.at(-1)).toBe('Back in Black');
});

test('a song row links to the song page, which shows its details', async ({ page }) => {
  await openHome(page);
  const first = page.getByTestId('top-songs').getByRole('listitem').first();
  await first.getByRole('link', { name: 'Tití Me Preguntó' }).click();
  await expect(page).toHaveURL(/\/song\/[0-9a-f]{24}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tití Me Preguntó');
  await expect(page.getByRole('main')).toContainText('Bad Bunny');
  await expect(page.getByRole('main')).toContainText('1,000 plays');
  await expect(page).toHaveTitle('Tití Me Preguntó · Tonearm');
});

test('a song that does not exist says so instead of showing an empty page', async ({ page }) => {
  await page.goto('/song/0123456789abcdef01234567');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Song not found');
});
