// Avatars, end to end (issue 17): a person uploads a picture in Settings, the image job (a real
// worker process, started here) resizes it, and the picture replaces the generated initials in the
// account menu, on the profile, in a friend's sidebar and in people search. Everyone else keeps
// their initials. Screenshots go to .data/screenshots/.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { SCREENSHOT_DIR, signedIn } from './fixtures';

const root = join(import.meta.dirname, '..');
let worker: ChildProcess | null = null;

test.beforeAll(() => {
  worker = spawn('pnpm', ['--filter', '@tonearm/workers', 'start'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, LOG_LEVEL: 'warn', WORKER_METRICS_PORT: '0' },
  });
});
test.afterAll(() => {
  if (worker?.pid) process.kill(-worker.pid, 'SIGTERM');
});

/** A real 200×200 RGB PNG: a diagonal gradient (so it is visibly a picture, not a flat colour). */
function gradientPng(size = 200): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    for (let x = 0; x < size; x++) {
      raw[row + 1 + x * 3] = (x * 255) / size;
      raw[row + 2 + x * 3] = 60;
      raw[row + 3 + x * 3] = (y * 255) / size;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

/** An avatar image that really loaded (served by the API server's /covers/ route, allowed by CSP). */
async function expectLoadedAvatar(img: Locator) {
  await expect(img).toBeVisible();
  await expect(img).toHaveAttribute('src', /\/covers\/user\/[0-9a-f]{24}\/[0-9a-f]{12}\/(64|300|640)\.webp$/);
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
}

test('an uploaded avatar replaces the initials everywhere people are shown', async ({ browser }) => {
  test.setTimeout(120_000);
  const tag = randomBytes(3).toString('hex');
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  try {
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    const userA = await signedIn(a, 'Avery', {
      user: { handle: `avery_${tag}`, displayName: `Avery ${tag}` },
    });
    await signedIn(b, 'Blair');

    // Before: initials in the account menu and in Settings.
    await a.goto('/settings');
    const menu = a.locator('.account-name');
    await expect(menu.locator('[data-avatar="initials"]')).toHaveText('A');
    const profileSection = a.getByRole('region', { name: 'Profile' });
    await expect(profileSection.locator('[data-avatar="initials"]')).toBeVisible();

    // Upload through the file input of the "Upload avatar" button.
    await profileSection.getByLabel('Upload avatar').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: gradientPng(),
    });
    await expect(profileSection.getByRole('status')).toHaveText('Avatar updated', { timeout: 30_000 });
    await expectLoadedAvatar(profileSection.locator('img[data-avatar="image"]'));
    await expectLoadedAvatar(menu.locator('img[data-avatar="image"]'));
    await shot(a, 'avatar-settings');

    // Others see it: the profile page, people search, and the friends sidebar once they follow.
    await b.goto(`/user/${userA.handle}`);
    await expect(b.getByRole('heading', { level: 1 })).toHaveText(userA.displayName);
    await expectLoadedAvatar(b.locator('main img[data-avatar="image"]').first());
    await b.getByRole('button', { name: `Follow ${userA.displayName}` }).click();
    await expect(
      b.getByRole('main').getByRole('button', { name: `Unfollow ${userA.displayName}` }),
    ).toBeVisible();
    await shot(b, 'avatar-profile');
    const sidebar = b.getByRole('complementary', { name: 'Friends’ activity' });
    const friend = sidebar.getByRole('listitem').filter({ hasText: userA.displayName });
    await expectLoadedAvatar(friend.locator('img[data-avatar="image"]'));
    await b.goto('/search');
    await b.getByRole('searchbox').fill(userA.handle);
    const people = b.getByTestId('search-people');
    await expect(people.getByText(userA.displayName)).toBeVisible();
    await expectLoadedAvatar(people.locator('img[data-avatar="image"]').first());
    await shot(b, 'avatar-search');
    // B never uploaded one: B keeps the initials.
    await expect(b.locator('.account-name [data-avatar="initials"]')).toHaveText('B');
    await expect(b.locator('.account-name img')).toHaveCount(0);
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
});
