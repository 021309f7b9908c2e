// axe on every main page, in light and dark: no serious or critical violations.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { createRealtimeClient } from '@tonearm/realtime/client';
import {
  DESKTOP,
  mainPages,
  openPage,
  overflowingElements,
  PHONE,
  SCREENSHOT_DIR,
  signedIn,
} from './fixtures';

const serverUrl = `http://127.0.0.1:${Number(process.env.SERVER_PORT ?? 18001)}`;

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

test('the signed-in home (Recently played, Recommended for you, a friend playing live) passes axe; screenshots', async ({
  page,
  browser,
}) => {
  test.setTimeout(60_000);
  await signedIn(page, 'Axel');
  // A friend, signed up in a second context, who is listening to the top song right now.
  const other = await browser.newContext();
  try {
    const friendPage = await other.newPage();
    await signedIn(friendPage, 'Fern');
    const cookies = await other.cookies(serverUrl);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const friendId = (
      (await (await friendPage.request.get(`${serverUrl}/trpc/auth.me`)).json()) as {
        result: { data: { id: string } };
      }
    ).result.data.id;
    await friendPage.close();

    await page.goto('/');
    const top = page.getByTestId('top-songs');
    const href = (await top.locator('.track-title').first().getAttribute('href')) ?? '';
    const title = ((await top.locator('.track-title').first().textContent()) ?? '').trim();
    const songId = href.split('/').at(-1)!;
    const post = (path: string, data: unknown) =>
      page.request.post(`${serverUrl}/trpc/${path}`, { data }).then((r) => expect(r.status()).toBe(200));
    await post('user.follow', { userId: friendId });
    await post('play.report', {
      eventId: `axe-${Date.now()}`,
      songId,
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      playedSec: 45,
      completed: true,
    });
    const bot = createRealtimeClient({ urls: [serverUrl], headers: { cookie }, device: 'bot' });
    try {
      bot.setActivity({
        state: 'streaming',
        songId,
        startedAt: Date.now(),
        positionSec: 0,
        isPaused: false,
        device: 'bot',
      });
      await page.reload();
      await expect(page.getByTestId('recently-played').locator('.track-title').first()).toHaveText(title);
      await expect(page.getByTestId('recommended').getByRole('listitem').first()).toBeVisible();
      await expect(page.getByRole('complementary', { name: 'Friends’ activity' })).toContainText(
        `Playing ${title}`,
      );
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const result = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
          .analyze();
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(
          bad.map((v) => `${scheme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        ).toEqual([]);
      }
      // For visual review beside screenshots.spec.ts's pages (which are signed out).
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      for (const [size, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await page.setViewportSize(viewport);
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          await page.screenshot({ path: join(SCREENSHOT_DIR, `home-signed-in-${size}-${scheme}.png`) });
        }
        expect(await overflowingElements(page), `the signed-in home overflows at ${size} width`).toEqual([]);
      }
    } finally {
      bot.close();
    }
  } finally {
    await other.close();
  }
});
