// Shared helpers for the player's Playwright suites: the main pages, ids read from the seeded
// catalog through the UI itself, and where screenshots go.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '.data', 'screenshots');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Opens the home page and waits until the top songs (fetched client-side, so hydrated) are shown. */
export async function openHome(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('top-songs').getByRole('listitem').first()).toBeVisible();
}

/** Titles of the top songs in the order the home page lists them. */
export async function topSongTitles(page: Page): Promise<string[]> {
  return page.getByTestId('top-songs').locator('.track-title').allInnerTexts();
}

export type MainPage = { name: string; path: string; heading: RegExp };

/** Every main page, with ids for the detail pages taken from the home page's links. */
export async function mainPages(page: Page): Promise<MainPage[]> {
  await openHome(page);
  const first = page.getByTestId('top-songs').getByRole('listitem').first();
  const hrefOf = async (prefix: string) => {
    const href = await first.locator(`a[href^="${prefix}"]`).first().getAttribute('href');
    if (!href) throw new Error(`no ${prefix} link on the first top song`);
    return href;
  };
  const title = ((await first.locator('.track-title').textContent()) ?? '').trim();
  return [
    { name: 'home', path: '/', heading: /Tonearm|Good (morning|afternoon|evening|night)/ },
    { name: 'search', path: '/search', heading: /^Search$/ },
    { name: 'library', path: '/library', heading: /Liked songs/ },
    { name: 'playlists', path: '/playlists', heading: /^Playlists$/ },
    { name: 'upload', path: '/upload', heading: /^Upload$/ },
    { name: 'login', path: '/login', heading: /^Log in$/ },
    { name: 'signup', path: '/signup', heading: /Create your account/ },
    { name: 'song', path: await hrefOf('/song/'), heading: new RegExp(`^${escapeRegExp(title)}`) },
    { name: 'album', path: await hrefOf('/album/'), heading: /.+/ },
    { name: 'artist', path: await hrefOf('/artist/'), heading: /.+/ },
  ];
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Loads a page and waits until its content settled (no "Loading" line left). */
export async function openPage(page: Page, p: MainPage): Promise<void> {
  await page.goto(p.path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(p.heading);
  await expect(page.getByText(/^Loading /)).toHaveCount(0);
}

/** Visible elements whose box reaches past the right edge of the viewport (clipped or not). */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      if (el.closest('.visually-hidden, dialog:not([open])')) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue;
      if (r.right > window.innerWidth + 1) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.right)}px)`);
      }
    }
    return out.slice(0, 5);
  });
}

export type TestUser = { displayName: string; handle: string; email: string; password: string };

/** A new person's details: a unique handle and email, and a strong random password (any policy takes it). */
export function newUser(name: string, over: Partial<TestUser> = {}): TestUser {
  const tag = randomBytes(4).toString('hex');
  return {
    displayName: name,
    handle: `${name.toLowerCase()}_${tag}`,
    email: `${name.toLowerCase()}.${tag}@example.test`,
    password: `Tn-${randomBytes(15).toString('base64url')}`,
    ...over,
  };
}

/** Fills in and sends the sign-up form at `url` (an invite link, another stack's page); checks nothing. */
export async function submitSignUp(page: Page, user: TestUser, url = '/signup'): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Name', { exact: true }).fill(user.displayName);
  await page.getByLabel('Username', { exact: true }).fill(user.handle);
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Creates an account through the sign-up page; the person is signed in afterwards. */
export async function signUp(page: Page, user: TestUser): Promise<void> {
  await submitSignUp(page, user);
  await expect(page.getByTestId('account-name')).toHaveText(user.displayName);
}

/**
 * The suites' one signed-in setup: a new person signed up through the UI on `page` (name, plus any
 * fixed details), and with `role: 'admin'` promoted the way an admin's promotion works (the row and
 * the live sessions, e2e/lib/accounts.ts). Returns who it is.
 */
export async function signedIn(
  page: Page,
  name: string,
  opts: { role?: 'user' | 'admin'; user?: Partial<TestUser> } = {},
): Promise<TestUser> {
  const user = newUser(name, opts.user);
  await signUp(page, user);
  if (opts.role === 'admin') await (await import('./lib/accounts')).promoteToAdmin(user);
  return user;
}
