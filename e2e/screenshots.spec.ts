// Screenshots of the main pages at desktop and phone widths, light and dark, for visual review
// (saved under .data/screenshots/).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { DESKTOP, mainPages, openPage, overflowingElements, PHONE, SCREENSHOT_DIR } from './fixtures';

const SIZES = { desktop: DESKTOP, phone: PHONE } as const;

for (const [size, viewport] of Object.entries(SIZES)) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`screenshots: ${size}, ${scheme}`, async ({ page }) => {
      test.setTimeout(90_000);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      const pages = await mainPages(page);
      for (const p of pages) {
        await openPage(page, p);
        const file = join(SCREENSHOT_DIR, `${p.name}-${size}-${scheme}.png`);
        await page.screenshot({ path: file });
        expect(await overflowingElements(page), `${p.name} overflows sideways at ${size} width`).toEqual([]);
      }
      // The bar with a track in it, and the queue open.
      await page.goto('/');
      await page
        .getByTestId('top-songs')
        .getByRole('button', { name: /^Play / })
        .first()
        .click();
      const dismiss = page.getByRole('button', { name: 'Dismiss' });
      if (await dismiss.isVisible()) await dismiss.click();
      await page.getByRole('button', { name: 'Queue', exact: true }).click();
      await page.screenshot({ path: join(SCREENSHOT_DIR, `queue-${size}-${scheme}.png`) });
    });
  }
}
