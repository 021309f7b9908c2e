// Playlists: create, add songs, reorder by keyboard and by drag, rename, and privacy as another
// person sees it (a second browser context).
import { expect, type Page, test } from '@playwright/test';
import { openHome, signedIn, topSongTitles } from './fixtures';

async function addToPlaylist(page: Page, title: string, playlist: string) {
  const row = page.getByTestId('top-songs').getByRole('listitem').filter({ hasText: title }).first();
  await row.getByRole('button', { name: `Add ${title} to a playlist` }).click();
  await row.getByRole('button', { name: playlist, exact: true }).click();
  await expect(row.getByRole('status')).toHaveText(`Added to ${playlist}.`);
  await page.keyboard.press('Escape');
}

const entryTitles = (page: Page) => page.getByTestId('playlist-entries').locator('.track-title');

test('create, fill, reorder, rename, and share a playlist', async ({ page, browser }) => {
  test.setTimeout(60_000);
  await signedIn(page, 'Owner');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Playlists', exact: true })
    .click();
  await page.getByLabel('Name', { exact: true }).fill('Road trip');
  await page.getByRole('button', { name: 'Create playlist' }).click();
  await expect(page).toHaveURL(/\/playlists\/[0-9a-f]{24}$/);
  const url = page.url();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Road trip');
  await expect(page.getByText('Private playlist')).toBeVisible();

  await openHome(page);
  const titles = await topSongTitles(page);
  for (const t of titles.slice(0, 3)) await addToPlaylist(page, t, 'Road trip');

  await page.goto(url);
  await expect(entryTitles(page)).toHaveText(titles.slice(0, 3));

  // Keyboard: Alt+↓ on the first song's handle moves it down one place; focus follows it.
  await page.getByRole('button', { name: `Reorder ${titles[0]}, position 1 of 3` }).focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(entryTitles(page)).toHaveText([titles[1]!, titles[0]!, titles[2]!]);
  await expect(page.getByRole('button', { name: `Reorder ${titles[0]}, position 2 of 3` })).toBeFocused();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(entryTitles(page)).toHaveText([titles[1]!, titles[2]!, titles[0]!]);

  // Drag: the last song onto the first place.
  await page
    .getByRole('button', { name: `Reorder ${titles[0]}, position 3 of 3` })
    .dragTo(page.getByRole('button', { name: `Reorder ${titles[1]}, position 1 of 3` }));
  await expect(entryTitles(page)).toHaveText([titles[0]!, titles[1]!, titles[2]!]);

  await page.reload();
  await expect(entryTitles(page)).toHaveText([titles[0]!, titles[1]!, titles[2]!]);

  await page.getByLabel('Playlist name', { exact: true }).fill('Road trip 2026');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Road trip 2026');

  // Another person: a private playlist does not exist for them.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signedIn(other, 'Visitor');
  await other.goto(url);
  await expect(other.getByRole('main').getByRole('alert')).toContainText('Playlist not found');

  await page.getByRole('checkbox', { name: 'Public' }).check();
  await expect(page.getByText('Public playlist')).toBeVisible();
  await other.reload();
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Road trip 2026');
  await expect(other.getByTestId('playlist-entries').locator('.track-title')).toHaveText(titles.slice(0, 3));
  await expect(other.getByRole('button', { name: 'Rename' })).toHaveCount(0);
  await expect(other.getByRole('button', { name: /^Reorder / })).toHaveCount(0);

  await page.getByRole('checkbox', { name: 'Public' }).uncheck();
  await expect(page.getByText('Private playlist')).toBeVisible();
  await other.reload();
  await expect(other.getByRole('main').getByRole('alert')).toContainText('Playlist not found');
  await otherContext.close();

  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/playlists$/);
  await expect(page.getByText('No playlists yet.')).toBeVisible();
});

test('liking a song puts it in the library', async ({ page }) => {
  await signedIn(page, 'Fan');
  await openHome(page);
  const titles = await topSongTitles(page);
  const like = page.getByRole('button', { name: `Like ${titles[2]}` }).first();
  await expect(like).toHaveAttribute('aria-pressed', 'false');
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Library', exact: true })
    .click();
  await expect(page.getByTestId('liked-songs').locator('.track-title')).toHaveText([titles[2]!]);
  await page
    .getByTestId('liked-songs')
    .getByRole('button', { name: `Like ${titles[2]}` })
    .click();
  await expect(page.getByText('Songs you like appear here.')).toBeVisible();
});
