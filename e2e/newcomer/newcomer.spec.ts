// The first hour of a new user, against the stack exactly as `bash scripts/run.sh` starts it on a
// fresh installation: sign up (listening needs an account: anonymous "Play all" shows "Log in first"
// with a Log in link); twelve page loads in a minute never show the signed-out view; the home page
// lists real songs and "Play all" plays every one of them, one after the other (audio time advances
// in each); every song the database marks playable is served by the edge; create a playlist and like
// a song; then the services are stopped and started again (`services.sh down`, run.sh again) and the
// account, the playlist and the like are all still there.
import { randomBytes } from 'node:crypto';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { checkEveryPlayableSong, signUpByApi } from '../lib/playable';
import { mongoUri, ports, servicesDown, start, stop } from './stack';

test.describe.configure({ mode: 'serial' });

const tag = randomBytes(3).toString('hex');
const person = {
  displayName: `Newcomer ${tag}`,
  handle: `newcomer_${tag}`,
  email: `newcomer.${tag}@example.test`,
  password: `a quiet tonearm ${randomBytes(6).toString('hex')}`,
};
const playlistName = `First mix ${tag}`;
let likedTitle = '';
// One browser for the whole visit, as a person has: signed up once, then everything else.
let context: BrowserContext;
let page: Page;
test.beforeAll(async ({ browser }) => {
  context = await browser.newContext();
  page = await context.newPage();
});
test.afterAll(async () => {
  await context?.close();
});

const topSongs = (page: Page) => page.getByTestId('top-songs').locator('.track-title');

async function seekValue(page: Page): Promise<number> {
  return Number(await page.getByRole('slider', { name: 'Seek' }).inputValue());
}

test('a newcomer signs up, and twelve page loads in a minute never show the signed-out view', async () => {
  test.setTimeout(180_000);
  await page.goto('/signup');
  await page.getByLabel('Name', { exact: true }).fill(person.displayName);
  await page.getByLabel('Username', { exact: true }).fill(person.handle);
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('account-name')).toHaveText(person.displayName);

  const paths = ['/', '/search', '/library', '/playlists', '/upload', '/'];
  const t0 = Date.now();
  for (let i = 0; i < 12; i++) {
    await page.goto(paths[i % paths.length]!);
    await expect(page.getByTestId('account-name')).toHaveText(person.displayName);
    await expect(page.getByRole('link', { name: 'Log in', exact: true })).toHaveCount(0);
  }
  expect(Date.now() - t0).toBeLessThan(60_000);
});

test('the home page lists real songs and Play all plays every one of them in turn', async () => {
  test.setTimeout(600_000);
  await page.goto('/');
  await expect(topSongs(page).first()).toBeVisible({ timeout: 30_000 });
  const titles = await topSongs(page).allInnerTexts();
  console.log(`[newcomer] home lists ${titles.length} songs: ${titles.slice(0, 5).join(' · ')} …`);
  expect(titles.length).toBeGreaterThanOrEqual(10);
  // Real covers: the imported album's art, not only generated placeholders.
  await page.screenshot({ path: '.data/screenshots/newcomer-home.png', fullPage: false });

  await page.getByRole('button', { name: 'Play all' }).first().click();
  const heard = new Map<string, number>();
  const nowTitle = page.getByTestId('now-playing-title');
  const deadline = Date.now() + titles.length * 20_000;
  let position = 0;
  while (position < titles.length && Date.now() < deadline) {
    const t = ((await nowTitle.textContent({ timeout: 10_000 })) ?? '').trim();
    expect(await page.locator('.player-error').allInnerTexts(), 'no "Can\'t play" error').toEqual([]);
    const at = await seekValue(page);
    if (t === titles[position]) {
      heard.set(t, Math.max(heard.get(t) ?? 0, at));
      if (at >= 2) {
        position++;
        if (position < titles.length) {
          await page.getByRole('button', { name: 'Next', exact: true }).click();
          await expect(nowTitle).toHaveText(titles[position]!, { timeout: 15_000 });
        }
      }
    } else if (titles.indexOf(t) > position) {
      // A stinger a few seconds long ended by itself before we looked: it played if its title showed.
      position = titles.indexOf(t);
    }
    await page.waitForTimeout(200);
  }
  const silent = titles.filter((t) => (heard.get(t) ?? 0) < 1);
  console.log(`[newcomer] heard ${heard.size}/${titles.length} songs advance`);
  expect(silent, 'songs whose audio time never advanced').toEqual([]);
});

test('every song marked playable is served by the edge', async () => {
  const serverUrl = `http://127.0.0.1:${ports().server}`;
  const report = await checkEveryPlayableSong(serverUrl, await signUpByApi(serverUrl, 'checker'), mongoUri());
  console.log(`[newcomer] ${report.readySongs} ready songs, ${report.objectsFetched} objects fetched`);
  expect(report.readySongs).toBeGreaterThanOrEqual(41);
  expect(report.problems).toEqual([]);
});

test('create a playlist and like a song', async () => {
  await page.goto('/playlists');
  await page.getByLabel('Name', { exact: true }).fill(playlistName);
  await page.getByRole('button', { name: 'Create playlist' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(playlistName);

  await page.goto('/');
  likedTitle = ((await topSongs(page).nth(1).textContent()) ?? '').trim();
  const like = page.getByRole('button', { name: `Like ${likedTitle}` }).first();
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
});

test('after the services are stopped and started again, the account, playlist and like are there', async ({
  browser,
}) => {
  test.setTimeout(600_000);
  await stop();
  servicesDown();
  await start(/\[run\] player serving/, 300_000);
  // The same browser as before the restart: its session survives (Redis AOF).
  await page.goto('/library');
  await expect(page.getByTestId('account-name')).toHaveText(person.displayName, { timeout: 30_000 });
  await expect(page.getByTestId('liked-songs').locator('.track-title')).toHaveText([likedTitle]);
  await page.goto('/playlists');
  await expect(page.getByRole('link', { name: playlistName }).first()).toBeVisible();

  // And a fresh browser can sign in with the account made before the restart.
  const fresh = await browser.newPage();
  await fresh.goto('/login');
  await fresh.getByLabel('Email', { exact: true }).fill(person.email);
  await fresh.getByLabel('Password', { exact: true }).fill(person.password);
  await fresh.getByRole('button', { name: 'Log in' }).click();
  await expect(fresh.getByTestId('account-name')).toHaveText(person.displayName);
});
