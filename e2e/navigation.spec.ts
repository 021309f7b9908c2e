import { expect, test } from '@playwright/test';
import { openHome, PHONE } from './fixtures';

const NAV = [
  { link: 'Search', url: /\/search$/, heading: 'Search' },
  { link: 'Library', url: /\/library$/, heading: 'Liked songs' },
  { link: 'Playlists', url: /\/playlists$/, heading: 'Playlists' },
  { link: 'Upload', url: /\/upload$/, heading: 'Upload' },
  { link: 'Home', url: /\/$/, heading: 'Tonearm' },
];

test('the main navigation reaches every section and marks the current one', async ({ page }) => {
  await openHome(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const n of NAV) {
    await nav.getByRole('link', { name: n.link, exact: true }).click();
    await expect(page).toHaveURL(n.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(n.heading);
    await expect(nav.getByRole('link', { name: n.link, exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await expect(nav.locator('[aria-current="page"]')).toHaveCount(1);
  }
  await page.goBack();
  await expect(page).toHaveURL(/\/upload$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Upload');
});

test('the now-playing bar keeps its track and queue across navigation', async ({ page }) => {
  await openHome(page);
  const rows = page.getByTestId('top-songs').getByRole('listitem');
  const second = ((await rows.nth(1).locator('.track-title').textContent()) ?? '').trim();
  await rows
    .nth(1)
    .getByRole('button', { name: /^Play / })
    .click();
  const bar = page.getByRole('region', { name: 'Now playing' });
  await expect(bar.getByTestId('now-playing-title')).toHaveText(second);

  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Search', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Search');
  await nav.getByRole('link', { name: 'Playlists', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Playlists');
  await expect(bar.getByTestId('now-playing-title')).toHaveText(second);

  // The song link in the bar opens the song, and the bar still holds it there.
  await bar.getByTestId('now-playing-title').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(second);
  await expect(bar.getByTestId('now-playing-title')).toHaveText(second);
});

test('the queue and volume survive a reload', async ({ page }) => {
  await openHome(page);
  const rows = page.getByTestId('top-songs').getByRole('listitem');
  const third = ((await rows.nth(2).locator('.track-title').textContent()) ?? '').trim();
  await rows
    .nth(2)
    .getByRole('button', { name: /^Play / })
    .click();
  const bar = page.getByRole('region', { name: 'Now playing' });
  await bar.getByRole('slider', { name: 'Volume' }).fill('35');
  await expect(bar.getByRole('slider', { name: 'Volume' })).toHaveValue('35');
  await page.waitForTimeout(700); // the player saves state 0.5 s after a change
  await page.reload();
  await expect(bar.getByTestId('now-playing-title')).toHaveText(third);
  await expect(bar.getByRole('slider', { name: 'Volume' })).toHaveValue('35');
  await expect(bar.getByRole('button', { name: 'Play', exact: true })).toBeEnabled();
});

test('the theme toggle switches to dark and the choice survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openHome(page);
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(darkBg).not.toBe(lightBg);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');
});

test('the system dark preference applies without a choice', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openHome(page);
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe('rgb(18, 20, 22)');
});

test.describe('at phone width', () => {
  test.use({ viewport: PHONE });

  test('navigation is a bottom tab bar and nothing overflows sideways', async ({ page }) => {
    await openHome(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const n of NAV) await expect(nav.getByRole('link', { name: n.link, exact: true })).toBeVisible();
    const navBox = await nav.boundingBox();
    expect(navBox!.y + navBox!.height).toBeGreaterThan(PHONE.height - 4);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await nav.getByRole('link', { name: 'Search', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Search');
  });
});
