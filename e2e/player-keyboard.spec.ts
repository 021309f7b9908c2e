// The now-playing bar used with the keyboard alone: focus order, the controls, the global
// shortcuts, the queue drawer and the shortcuts dialog.
import { expect, type Page, test } from '@playwright/test';
import { openHome, topSongTitles } from './fixtures';

const focusedLabel = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

test('the skip link is the first stop and moves focus to the page content', async ({ page }) => {
  await openHome(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
});

test('a song starts from the keyboard, and Tab walks the bar in visual order', async ({ page }) => {
  await openHome(page);
  const titles = await topSongTitles(page);
  const firstPlay = page
    .getByTestId('top-songs')
    .getByRole('button', { name: `Play ${titles[0]} by`, exact: false });
  await firstPlay.first().focus();
  await page.keyboard.press('Enter');
  const bar = page.getByRole('region', { name: 'Now playing' });
  await expect(bar.getByTestId('now-playing-title')).toHaveText(titles[0]!);

  await bar.getByRole('button', { name: 'Shuffle' }).focus();
  const order: string[] = [];
  for (let i = 0; i < 9; i++) {
    order.push(await focusedLabel(page));
    await page.keyboard.press('Tab');
  }
  expect(order).toEqual([
    'Shuffle',
    'Previous',
    expect.stringMatching(/^(Play|Pause)$/),
    'Next',
    'Repeat: off',
    'Seek',
    expect.stringMatching(/^Audio quality: /),
    'Queue',
    'Mute',
  ]);
  expect(await focusedLabel(page)).toBe('Volume');
});

test('transport buttons and shortcuts move through the queue in order', async ({ page }) => {
  await openHome(page);
  const titles = await topSongTitles(page);
  await page
    .getByTestId('top-songs')
    .getByRole('button', { name: `Play ${titles[0]} by`, exact: false })
    .first()
    .focus();
  await page.keyboard.press('Enter');
  const title = page.getByRole('region', { name: 'Now playing' }).getByTestId('now-playing-title');
  await expect(title).toHaveText(titles[0]!);

  await page.getByRole('button', { name: 'Next', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(title).toHaveText(titles[1]!);
  await page.keyboard.press('Space');
  await expect(title).toHaveText(titles[2]!);

  // Global shortcuts work from anywhere that is not a text field.
  await page.locator('main#main').focus();
  await page.keyboard.press('Shift+N');
  await expect(title).toHaveText(titles[3]!);
  await page.keyboard.press('Shift+P');
  await expect(title).toHaveText(titles[2]!);

  // ...but not while typing.
  await page.goto('/search');
  await page.getByRole('searchbox').focus();
  await page.keyboard.press('Shift+N');
  await expect(page.getByRole('searchbox')).toHaveValue('N');
  await expect(title).toHaveText(titles[2]!);
});

test('shuffle, repeat and mute toggle by shortcut and announce their state', async ({ page }) => {
  await openHome(page);
  const titles = await topSongTitles(page);
  await page
    .getByTestId('top-songs')
    .getByRole('button', { name: `Play ${titles[0]} by`, exact: false })
    .first()
    .click();
  const bar = page.getByRole('region', { name: 'Now playing' });
  await page.locator('main#main').focus();

  await expect(bar.getByRole('button', { name: 'Shuffle' })).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('s');
  await expect(bar.getByRole('button', { name: 'Shuffle' })).toHaveAttribute('aria-pressed', 'true');

  await page.keyboard.press('r');
  await expect(bar.getByRole('button', { name: 'Repeat: all' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('r');
  await expect(bar.getByRole('button', { name: 'Repeat: one' })).toBeVisible();
  await page.keyboard.press('r');
  await expect(bar.getByRole('button', { name: 'Repeat: off' })).toHaveAttribute('aria-pressed', 'false');

  await page.keyboard.press('m');
  await expect(bar.getByRole('button', { name: 'Unmute' })).toBeVisible();
  await expect(bar.getByRole('slider', { name: 'Volume' })).toHaveAttribute('aria-valuetext', '0%');
  await page.keyboard.press('m');
  await expect(bar.getByRole('slider', { name: 'Volume' })).toHaveAttribute('aria-valuetext', '80%');

  const volume = bar.getByRole('slider', { name: 'Volume' });
  await volume.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(volume).toHaveAttribute('aria-valuetext', '70%');
});

test('the queue opens by keyboard, lists what comes next in order, and gives focus back', async ({
  page,
}) => {
  await openHome(page);
  const titles = await topSongTitles(page);
  await page
    .getByTestId('top-songs')
    .getByRole('button', { name: `Play ${titles[1]} by`, exact: false })
    .first()
    .click();

  const queueButton = page
    .getByRole('region', { name: 'Now playing' })
    .getByRole('button', { name: 'Queue' });
  await queueButton.focus();
  await page.keyboard.press('Enter');
  await expect(queueButton).toHaveAttribute('aria-expanded', 'true');
  const drawer = page.getByRole('complementary', { name: 'Queue' });
  await expect(drawer.getByRole('heading', { name: 'Queue' })).toBeFocused();
  await expect(drawer.getByTestId('queue-next').locator('.jump span:first-child')).toHaveText(
    titles.slice(2),
  );

  // Reorder by keyboard: move the first upcoming song down one place.
  await drawer.getByRole('button', { name: `Move ${titles[2]} down` }).focus();
  await page.keyboard.press('Enter');
  await expect(drawer.getByTestId('queue-next').locator('.jump span:first-child')).toHaveText([
    titles[3]!,
    titles[2]!,
    ...titles.slice(4),
  ]);

  await page.keyboard.press('Escape');
  await expect(drawer).toHaveCount(0);
  await expect(queueButton).toBeFocused();
  await expect(queueButton).toHaveAttribute('aria-expanded', 'false');

  // Q toggles it from anywhere.
  await page.locator('main#main').focus();
  await page.keyboard.press('q');
  await expect(page.getByRole('complementary', { name: 'Queue' })).toBeVisible();
  await page.keyboard.press('q');
  await expect(page.getByRole('complementary', { name: 'Queue' })).toHaveCount(0);
});

test('? lists the shortcuts in a dialog that Escape closes', async ({ page }) => {
  await openHome(page);
  await page.locator('main#main').focus();
  await page.keyboard.press('Shift+?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Play or pause');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a song that cannot play says why in the bar instead of failing silently', async ({ page }) => {
  await openHome(page);
  const titles = await topSongTitles(page);
  await page
    .getByTestId('top-songs')
    .getByRole('button', { name: `Play ${titles[0]} by`, exact: false })
    .first()
    .click();
  const alert = page.getByRole('region', { name: 'Now playing' }).getByRole('alert');
  // On a server without playback.start (or for a song with no audio yet) the reason is spelled out.
  await expect(alert).toContainText(`Can't play “${titles[0]}”`);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);
});
