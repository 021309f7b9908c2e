// axe on every main page, in light and dark: no serious or critical violations.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { mainPages, openPage } from './fixtures';

for (const scheme of ['light', 'dark'] as const) {
  test(`every main page passes axe (${scheme})`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.emulateMedia({ colorScheme: scheme });
    const pages = await mainPages(page);
    const report: string[] = [];
    for (const p of pages) {
      await openPage(page, p);
      const result = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
        .analyze();
      for (const v of result.violations) {
        if (v.impact !== 'serious' && v.impact !== 'critical') continue;
        report.push(
          `${p.name}: [${v.impact}] ${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      }
    }
    expect(report).toEqual([]);
  });
}

test('the now-playing bar with a track and the open queue pass axe', async ({ page }) => {
  await page.goto('/');
  await page
    .getByTestId('top-songs')
    .getByRole('button', { name: /^Play / })
    .first()
    .click();
  await page.getByRole('region', { name: 'Now playing' }).getByRole('button', { name: 'Queue' }).click();
  await expect(page.getByRole('complementary', { name: 'Queue' })).toBeVisible();
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
