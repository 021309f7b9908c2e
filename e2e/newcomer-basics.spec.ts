// Small things a newcomer meets first: "/" focuses the search field from any page, and the player has
// a favicon and a web app manifest.
import { expect, test } from '@playwright/test';
import { openHome } from './fixtures';

test('"/" from the home page opens search with its field focused', async ({ page }) => {
  await openHome(page);
  await page.locator('body').press('/');
  await expect(page).toHaveURL(/\/search$/);
  await expect(page.getByRole('searchbox')).toBeFocused();
});

test('the player has a favicon and a web app manifest', async ({ page, request }) => {
  await page.goto('/');
  const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(icon).toBeTruthy();
  expect((await request.get(icon!)).status()).toBe(200);
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(manifestHref!)).json();
  expect(manifest.name).toBe('Tonearm');
  expect(manifest.icons.length).toBeGreaterThan(0);
});
