import { expect, test } from '@playwright/test';

test('the home page shows songs read from MongoDB through the API', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Tonearm' })).toBeVisible();
  await expect(page.getByTestId('top-songs')).toContainText('Tití Me Preguntó — Bad Bunny');
});
