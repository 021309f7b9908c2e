// People, end to end in two browser contexts (issue 17): A finds B by a misspelled handle, opens the
// profile and follows; B (approval on) accepts; A sees B's playback live in the friends sidebar; B
// turns "nobody" on and vanishes from A's sidebar at once; B blocks A and A can no longer see B.
// Screenshots of the new pages go to .data/screenshots/.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { Artist, connectDb, disconnectDb, Song } from '@tonearm/db';
import { SCREENSHOT_DIR, signedIn } from './fixtures';

const LIVE_MS = 6_000;
let artistPath = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  execFileSync('pnpm', ['exec', 'tsx', 'scripts/demo-media.ts', '--count', '5', '--seconds', '20'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'ignore',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  await connectDb();
  const artist = await Artist.findOne({ name: 'Tonearm Test Tones' }).lean();
  if (!artist) throw new Error('demo-media made no artist');
  artistPath = `/artist/${String(artist._id)}`;
  expect(await Song.countDocuments({ artistId: artist._id, 'media.status': 'ready' })).toBeGreaterThan(1);
  await disconnectDb();
});

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Friends’ activity' });
const row = (page: Page, name: string) =>
  sidebar(page)
    .getByRole('listitem')
    .filter({ has: page.getByText(name, { exact: true }) });
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

test('find by a misspelled handle, follow with approval, live playback, "nobody", block', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const contexts: BrowserContext[] = [];
  try {
    const ctxA = await browser.newContext();
    const ctxB = await browser.newContext();
    contexts.push(ctxA, ctxB);
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    const tag = randomBytes(3).toString('hex');
    a.on('dialog', (d) => void d.accept());
    b.on('dialog', (d) => void d.accept());
    const userA = await signedIn(a, 'Ada');
    const userB = await signedIn(b, 'Marguerite', {
      user: { handle: `marguerite_${tag}`, displayName: `Marguerite ${tag}` },
    });

    // B turns approval on in Settings.
    await b.goto('/settings');
    await b.getByRole('radio', { name: /People I approve/ }).click();
    await expect(b.getByRole('radio', { name: /People I approve/ })).toBeChecked();
    await expect(b.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

    // A searches with a typo in the handle ("margeurite") and finds B in the People group.
    await a.goto('/search');
    await a.getByRole('searchbox').fill(`margeurite_${tag}`);
    const people = a.getByTestId('search-people');
    await expect(people.getByText(userB.displayName)).toBeVisible();
    await shot(a, 'people-search');
    await people.getByRole('link', { name: new RegExp(userB.displayName) }).click();
    await expect(a.getByRole('heading', { level: 1 })).toHaveText(userB.displayName);
    await expect(a.getByTestId('activity-hidden')).toContainText('approve');
    await a.getByRole('button', { name: `Follow ${userB.displayName}` }).click();
    await expect(
      a.getByRole('button', { name: `Cancel follow request to ${userB.displayName}` }),
    ).toBeVisible();
    await shot(a, 'profile-requested');

    // B sees the request (pushed live) and accepts it.
    const requests = b.getByTestId('follow-requests');
    await expect(requests.getByText(userA.displayName, { exact: true })).toBeVisible({ timeout: 20_000 });
    await shot(b, 'settings');
    await requests.getByRole('button', { name: `Accept ${userA.displayName}` }).click();
    await expect(requests).toHaveCount(0);

    // A now follows B: the profile says so and B appears in A's sidebar.
    await a.reload();
    await expect(
      a.locator('#main').getByRole('button', { name: `Unfollow ${userB.displayName}` }),
    ).toBeVisible();
    await expect(a.getByTestId('follower-count')).toHaveText('1');
    await expect(row(a, userB.displayName)).toBeVisible({ timeout: LIVE_MS });

    // B plays a song: A's sidebar shows it live.
    await b.goto(artistPath);
    const list = b.getByTestId('artist-top');
    await expect(list.getByRole('listitem').first()).toBeVisible();
    const first = ((await list.locator('.track-title').first().textContent()) ?? '').trim();
    await list
      .getByRole('button', { name: `Play ${first} by`, exact: false })
      .first()
      .click();
    await expect(row(a, userB.displayName)).toContainText(`Playing ${first}`, { timeout: LIVE_MS });
    await shot(a, 'profile-following');

    // B turns "nobody" on (from the settings page, while still playing): B leaves A's sidebar at once.
    const b2 = await ctxB.newPage();
    b2.on('dialog', (d) => void d.accept());
    await b2.goto('/settings');
    await b2.getByRole('radio', { name: /Nobody/ }).click();
    await expect(row(a, userB.displayName)).toHaveCount(0, { timeout: LIVE_MS });
    await expect(sidebar(a)).not.toContainText(first);
    // A fresh load agrees, and the profile hides B's listening.
    await a.reload();
    await expect(a.getByTestId('activity-hidden')).toContainText('private');
    await expect(row(a, userB.displayName)).toHaveCount(0);

    // B blocks A from A's profile: A can no longer see B's profile.
    await b2.goto(`/user/${userA.handle}`);
    await b2
      .getByRole('main')
      .getByRole('button', { name: `Block ${userA.displayName}` })
      .click();
    await expect(b2.getByRole('button', { name: `Unblock ${userA.displayName}` })).toBeVisible();
    await a.reload();
    await expect(a.getByRole('heading', { level: 1 })).toHaveText('Profile not found');
    await a.goto(`/search?q=${userB.handle}`);
    await expect(a.getByRole('searchbox')).toHaveValue(userB.handle);
    await a.waitForTimeout(800);
    await expect(a.getByTestId('search-people')).toHaveCount(0);
  } finally {
    for (const ctx of contexts) await ctx.close();
  }
});
