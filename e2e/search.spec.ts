// Search-as-you-type: grouped results with highlights, typo tolerance, and playing a result.
import { expect, test } from '@playwright/test';

test('a misspelled query finds the right song, grouped with artists and albums', async ({ page }) => {
  await page.goto('/search');
  const box = page.getByRole('searchbox', { name: 'Search songs, artists and albums' });
  await box.pressSequentially('bad bony', { delay: 40 });
  await expect(page).toHaveURL(/\?q=bad%20bony$/);
  const artists = page.getByTestId('search-artists');
  // The catalog holds near-collisions ("Bad Bonny"); the real artist must be among the matches.
  await expect(artists.getByRole('link', { name: /Bad Bunny/ })).toBeVisible();
  await expect(artists.locator('mark').first()).toBeVisible();

  await box.fill('');
  await box.pressSequentially('tití me pregunto', { delay: 30 });
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
