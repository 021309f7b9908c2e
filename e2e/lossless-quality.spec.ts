// The quality menu on a lossless song (issue 15): a song uploaded as FLAC (scripts/demo-media.ts
// --lossless, through the real transcode pipeline) offers "Lossless" above the AAC rates in the web
// player's quality menu (Chromium's MSE decodes FLAC in MP4); picking it plays the FLAC rung, and
// Automatic stays available. Screenshots go to .data/screenshots/.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { Album, connectDb, disconnectDb, Song } from '@tonearm/db';
import { signedIn } from './fixtures';

const ALBUM = 'Lossless Suite';
let albumPath = '';
let title = '';
const shots = join(import.meta.dirname, '..', '.data', 'screenshots');

test.beforeAll(async () => {
  test.setTimeout(300_000);
  execFileSync(
    'pnpm',
    [
      'exec',
      'tsx',
      'scripts/demo-media.ts',
      '--count',
      '1',
      '--seconds',
      '20',
      '--album',
      ALBUM,
      '--lossless',
    ],
    { cwd: join(import.meta.dirname, '..'), stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  await connectDb();
  const a = await Album.findOne({ title: ALBUM }).lean();
  if (!a) throw new Error('demo-media made no album');
  const s = await Song.findOne({ albumId: a._id }).lean();
  await disconnectDb();
  expect(s?.media?.status).toBe('ready');
  expect(s!.media!.renditions.map((r) => r.codec)).toEqual(['aac', 'aac', 'aac', 'aac', 'flac']);
  albumPath = `/album/${String(a._id)}`;
  title = s!.title;
});

const bar = (page: Page) => page.getByRole('region', { name: 'Now playing' });
const playingCodecs = (page: Page) =>
  page.evaluate(
    () =>
      (
        (window as unknown as { __tonearmPlayer?: () => unknown }).__tonearmPlayer?.() as {
          playingCodecs: string | null;
        } | null
      )?.playingCodecs ?? null,
  );

test('a lossless song offers Lossless in the quality menu, and picking it plays the FLAC rung', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signedIn(page, 'Audiophile');
  await page.goto(albumPath);
  await page
    .getByTestId('album-tracks')
    .getByRole('button', { name: `Play ${title} by`, exact: false })
    .click();
  await expect(bar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  const quality = bar(page).getByRole('button', { name: /^Audio quality/ });
  await expect(quality).toHaveAccessibleName(/Auto · \d+ kbps/, { timeout: 15_000 });
  await quality.click();
  const menu = page.getByRole('group', { name: 'Audio quality' });
  const options = menu.getByRole('radio');
  await expect(options).toHaveCount(6);
  const names = await menu.locator('label').allInnerTexts();
  expect(names.map((n) => n.trim().replace(/ \(now .*\)$/, ''))).toEqual([
    'Automatic',
    'Lossless',
    '320 kbps',
    '192 kbps',
    '128 kbps',
    '64 kbps',
  ]);
  await page.screenshot({ path: join(shots, 'lossless-quality-menu.png') });
  await menu.getByRole('radio', { name: 'Lossless' }).check();
  await expect(quality).toHaveAccessibleName('Audio quality: Lossless');
  // The next segments come from the FLAC rung: the engine reports it as what is heard.
  await expect.poll(() => playingCodecs(page), { timeout: 30_000 }).toBe('fLaC');
  await expect(bar(page).getByRole('alert')).toHaveCount(0);
  await expect(bar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await page.screenshot({ path: join(shots, 'lossless-playing.png') });
  // Back to Automatic: the menu says what it chose.
  await menu.getByRole('radio', { name: /^Automatic/ }).check();
  await expect(quality).toHaveAccessibleName(/^Audio quality: Auto · /);
});
