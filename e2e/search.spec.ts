// Search-as-you-type: a top result, groups in the order of their best score, highlights, typo
// tolerance, an honest "nothing matched", and playing a result.
import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';

test('a misspelled query puts the artist first as the top result, then the groups by best score', async ({
  page,
}) => {
  await page.goto('/search');
  const box = page.getByRole('searchbox', { name: 'Search songs, artists, albums and people' });
  await box.pressSequentially('bad bony', { delay: 40 });
  await expect(page).toHaveURL(/\?q=bad%20bony$/);
  // The catalog holds near-collisions ("Bad Bonny", songs titled "Bonny …"): the artist is on top.
  const top = page.getByTestId('search-top');
  await expect(top).toHaveAttribute('data-kind', 'artist');
  await expect(top.getByRole('link', { name: /^Bad Bunny/ })).toBeVisible();
  await expect(top.locator('mark').first()).toBeVisible();
  // The first group after the top result is the artists (their best score is the highest).
  await expect(page.locator('section[data-group]').first()).toHaveAttribute('data-group', 'artist');
  const artists = page.getByTestId('search-artists');
  await expect(artists.getByRole('link').first()).toHaveText(/Bad Bunny/);
  await expect(page.getByTestId('search-songs').locator('.track-sub').first()).toHaveText(/Bad Bunny/);
  mkdirSync('.data/screenshots', { recursive: true });
  await page.screenshot({ path: '.data/screenshots/search-bad-bony.png', fullPage: true });

  // Clicking the top result opens the artist.
  await top.getByRole('link', { name: /^Bad Bunny/ }).click();
  await expect(page).toHaveURL(/\/artist\/[0-9a-f]{24}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bad Bunny');
  await page.goBack();
  await expect(page.getByRole('searchbox')).toHaveValue('bad bony');
});

test('a song typed in full is the top result and plays from there', async ({ page }) => {
  await page.goto('/search');
  const box = page.getByRole('searchbox', { name: 'Search songs, artists, albums and people' });

  await box.pressSequentially('tití me pregunto', { delay: 30 });
  const top = page.getByTestId('search-top');
  await expect(top).toHaveAttribute('data-kind', 'song');
  await expect(top).toContainText('Tití Me Preguntó');
  await expect(page.locator('section[data-group]').first()).toHaveAttribute('data-group', 'song');
  const songs = page.getByTestId('search-songs');
  await expect(songs.locator('.track-title').first()).toHaveText('Tití Me Preguntó');

  // Playing a result from the keyboard puts it in the now-playing bar.
  await songs
    .getByRole('button', { name: /^Play Tití Me Preguntó by Bad Bunny/ })
    .first()
    .focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Now playing' }).getByTestId('now-playing-title')).toHaveText(
    'Tití Me Preguntó',
  );
});

test('someone not in the library: an honest "nothing matched", not unrelated songs', async ({ page }) => {
  await page.goto('/search?q=taylor%20swift');
  await expect(page.getByTestId('search-nothing')).toContainText(
    'Nothing in the library matches “taylor swift”',
  );
  await expect(page.getByTestId('search-top')).toHaveCount(0);
  await expect(page.getByTestId('search-songs')).toHaveCount(0);
  await page.screenshot({ path: '.data/screenshots/search-nothing.png', fullPage: true });
});

test('the query lives in the URL, so a reload shows the same results', async ({ page }) => {
  await page.goto('/search?q=bjork');
  await expect(page.getByRole('searchbox')).toHaveValue('bjork');
  await expect(page.getByTestId('search-artists').getByRole('link', { name: /Björk/ })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('search-artists').getByRole('link', { name: /Björk/ })).toBeVisible();
});

test('/ jumps to the search box from anywhere', async ({ page }) => {
  await page.goto('/search');
  await page.locator('main#main').focus();
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox')).toBeFocused();
});

test('no exact match: the closest matches, said as such and apart from the results', async ({ page }) => {
  // The library has Björk but nothing of hers called "live": no result, no top result, and the
  // closest matches under a notice that says so.
  await page.goto('/search?q=bjork%20live');
  await expect(page.getByTestId('search-no-exact')).toContainText(
    'No exact match for “bjork live” — closest matches',
  );
  await expect(page.getByTestId('search-top')).toHaveCount(0);
  await expect(page.getByTestId('search-nothing')).toHaveCount(0);
  await expect(page.getByTestId('search-artists')).toHaveCount(0);
  await expect(page.getByTestId('search-songs')).toHaveCount(0);
  const closest = page.getByTestId('search-closest');
  const bjork = closest.getByTestId('search-closest-artists').getByRole('link', { name: /^Björk/ });
  await expect(bjork.first()).toBeVisible();
  await page.screenshot({ path: '.data/screenshots/search-closest.png', fullPage: true });
  await bjork.first().click();
  await expect(page).toHaveURL(/\/artist\/[0-9a-f]{24}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Björk');
});
