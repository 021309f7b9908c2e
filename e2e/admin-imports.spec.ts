// Admin imports page (issue 15): a person who is not an admin is refused; an admin opens it from
// Settings and sees each `pnpm import` run from its ImportRun record, a running one with its progress
// bar, refreshed live until it is done.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { connectDb, disconnectDb, ImportRun } from '@tonearm/db';
import { SCREENSHOT_DIR, signedIn } from './fixtures';
import { promoteToAdmin } from './lib/accounts';

test('an admin follows a running import to done; others are refused', async ({ page }) => {
  const user = await signedIn(page, 'Importer');
  await page.goto('/admin/imports');
  await expect(page.getByText('Admins only')).toBeVisible();

  await connectDb();
  const path = `/srv/music/e2e-${Date.now().toString(36)}`;
  try {
    await promoteToAdmin(user);
    const run = await ImportRun.create({
      status: 'transcoding',
      source: 'cli',
      paths: [path],
      files: 6,
      scanned: 6,
      audio: 5,
      imported: 4,
      unchanged: 1,
      skipped: 1,
      queued: 4,
      ready: 1,
      durationSec: 1234,
    });

    await page.goto('/settings');
    await page.getByRole('link', { name: 'Admin: imports' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Imports');
    const card = page.locator(`[data-run="${run._id}"]`);
    await expect(card).toContainText('Transcoding');
    await expect(card).toContainText(path);
    await expect(card).toContainText('6 files · 5 audio · 4 new · 0 updated · 1 unchanged');
    // Reading is the first half, transcodes the second: 1 of 4 ready = 62.5%.
    await expect(card.getByRole('progressbar', { name: 'Import progress: 63%' })).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-imports-running.png'), fullPage: true });

    await ImportRun.updateOne(
      { _id: run._id },
      { $set: { status: 'done', ready: 4, finishedAt: new Date() } },
    );
    await expect(card).toContainText('Done', { timeout: 10_000 });
    await expect(card.getByRole('progressbar')).toHaveCount(0);
    await expect(card).toContainText('4 ready · 0 failed');
  } finally {
    await disconnectDb();
  }
});
