// Browser upload of a whole album folder (issue 15): a folder of three tagged files (MP3 with ID3v2.4
// and an embedded PNG cover, FLAC, Ogg Vorbis; one album, one album artist, tracks 1-3) and a text
// file named .flac is given to the folder picker; the tags appear pre-filled in the table, one is
// edited, the upload is confirmed, every file reaches "Ready to play", and the album page lists the
// three tracks in order with the real cover (not the generated placeholder) and plays. A synthetic
// drop of files on the drop zone lists them the same way. A real worker process transcodes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { makeCoverPng, makeTaggedFile } from '@tonearm/testing/audio-fixtures';
import { SCREENSHOT_DIR, signedIn } from './fixtures';

const root = join(import.meta.dirname, '..');
const run = Date.now().toString(36);
const ALBUM = `Folder Drop ${run}`;
const ALBUM_ARTIST = 'The Fixture Ensemble';
const base = join(root, '.data', 'fixtures', `import-upload-${run}`);
const folder = join(base, ALBUM.replace(/\s+/g, '_'));
const dir = basename(folder);
let files: { mp3: string; flac: string; ogg: string; bogus: string };
let worker: ChildProcess | null = null;

test.beforeAll(() => {
  mkdirSync(folder, { recursive: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const cover = makeCoverPng(join(base, 'cover-src.png'), 'teal', 320);
  const common = { album: ALBUM, year: 2024, genre: 'Chamber', trackTotal: 3, seconds: 8 };
  files = {
    mp3: makeTaggedFile(folder, '01 Opening', 'mp3-id3v24', {
      ...common,
      title: 'Opening',
      artist: 'Composer A',
      albumArtist: ALBUM_ARTIST,
      track: 1,
      cover,
    }),
    flac: makeTaggedFile(folder, '02 Middle', 'flac', {
      ...common,
      title: 'Middle',
      artist: 'Composer B',
      albumArtist: ALBUM_ARTIST,
      track: 2,
      hz: 550,
    }),
    // No album artist tag: the folder's others give it (as `pnpm import` does).
    ogg: makeTaggedFile(folder, '03 Closing', 'vorbis', {
      ...common,
      title: 'Closing',
      artist: 'Composer C',
      track: 3,
      hz: 660,
    }),
    bogus: join(folder, 'liner-notes.flac'),
  };
  writeFileSync(files.bogus, 'These are liner notes, not music.\n'.repeat(50));
  worker = spawn('pnpm', ['--filter', '@tonearm/workers', 'start'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
});

test.afterAll(() => {
  if (worker?.pid) process.kill(-worker.pid, 'SIGTERM');
  rmSync(base, { recursive: true, force: true });
});

const field = (page: Page, label: string, file: string) =>
  page.getByRole('textbox', { name: `${label} of ${dir}/${basename(file)}`, exact: true });

test('a folder of three tagged files: tags pre-filled, edited, uploaded to one album with its cover, played', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  await signedIn(page, 'Folder');
  await page.goto('/upload');
  await expect(page.getByTestId('accepted-formats')).toContainText(
    'MP3, FLAC, Ogg Vorbis, Opus, AAC/M4A, ALAC, WAV and AIFF',
  );

  await page.locator('#upload-folder').setInputFiles(folder);

  // Pre-filled from the tags, read in the browser.
  await expect(field(page, 'Title', files.mp3)).toHaveValue('Opening');
  await expect(field(page, 'Artist', files.mp3)).toHaveValue('Composer A');
  await expect(field(page, 'Album', files.mp3)).toHaveValue(ALBUM);
  await expect(field(page, 'Album artist', files.mp3)).toHaveValue(ALBUM_ARTIST);
  await expect(field(page, 'Track', files.mp3)).toHaveValue('1');
  await expect(field(page, 'Title', files.flac)).toHaveValue('Middle');
  await expect(field(page, 'Track', files.flac)).toHaveValue('2');
  await expect(field(page, 'Title', files.ogg)).toHaveValue('Closing');
  await expect(field(page, 'Artist', files.ogg)).toHaveValue('Composer C');
  await expect(field(page, 'Track', files.ogg)).toHaveValue('3');
  // The Ogg file has no album artist tag: the folder's shared one is filled in.
  await expect(field(page, 'Album artist', files.ogg)).toHaveValue(ALBUM_ARTIST);
  const table = page.getByTestId('upload-table');
  // Listed in album order, whatever order the picker gave.
  await expect
    .poll(() => table.locator('tbody').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-path'))))
    .toEqual([files.mp3, files.flac, files.ogg].map((f) => `${dir}/${basename(f)}`));
  await expect(table.locator(`tbody[data-path="${dir}/${basename(files.mp3)}"]`)).toContainText(
    '01 Opening.mp3 · MP3 · cover',
  );
  await expect(table.locator(`tbody[data-path="${dir}/${basename(files.flac)}"]`)).toContainText('FLAC');
  await expect(table.locator(`tbody[data-path="${dir}/${basename(files.ogg)}"]`)).toContainText('Ogg Vorbis');

  // The text file named .flac is listed as not uploaded, with a reason, and is not in the table.
  const rejected = page.getByTestId('rejected');
  await expect(rejected).toContainText(`${dir}/liner-notes.flac`);
  await expect(rejected).toContainText('Not playable audio');
  await expect(table.locator(`tbody[data-path="${dir}/liner-notes.flac"]`)).toHaveCount(0);

  // Edit one field before confirming.
  await field(page, 'Title', files.flac).fill('Middle (edited)');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'import-upload-table.png'), fullPage: true });

  await page.getByRole('button', { name: 'Upload 3 files', exact: true }).click();
  const statuses = table.getByTestId('row-status');
  await expect(statuses.first()).not.toHaveText('Ready to upload');
  await expect(page.getByTestId('overall')).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'import-upload-progress.png'), fullPage: true });
  await expect(statuses).toHaveText(['Ready to play', 'Ready to play', 'Ready to play'], {
    timeout: 180_000,
  });
  await expect(page.getByTestId('overall')).toContainText('3 of 3 ready to play');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'import-upload-done.png'), fullPage: true });

  // One album for the three: every row links to the same album page.
  const albumLinks = table.getByRole('link', { name: 'Album', exact: true });
  await expect(albumLinks).toHaveCount(3);
  const hrefs = new Set(await albumLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
  expect(hrefs.size).toBe(1);
  await albumLinks.first().click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ALBUM);
  await expect(page.getByRole('main').getByRole('link', { name: ALBUM_ARTIST })).toBeVisible();
  const tracks = page.getByTestId('album-tracks');
  await expect(tracks.locator('.track-title')).toHaveText(['Opening', 'Middle (edited)', 'Closing']);

  // The embedded PNG became the album cover (the cover job runs after the songs are filed: reload
  // until it is there), served from /covers/ and decoded by the browser.
  const hero = page.locator('.page-header .cover').first();
  await expect(async () => {
    await page.reload();
    await expect(hero).toHaveAttribute('data-cover', 'image', { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  expect(await hero.getAttribute('src')).toMatch(/\/covers\/.+\.webp$/);
  await expect
    .poll(() =>
      hero.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth),
    )
    .toBeGreaterThan(0);
  const coverBytes = await page.request.get((await hero.getAttribute('src')) as string);
  expect(coverBytes.ok()).toBe(true);
  expect(coverBytes.headers()['content-type']).toMatch(/^image\//);

  await page.getByRole('main').getByRole('button', { name: 'Play', exact: true }).click();
  const bar = page.getByRole('region', { name: 'Now playing' });
  await expect(bar.getByTestId('now-playing-title')).toHaveText('Opening');
  await expect(bar.getByRole('button', { name: 'Pause', exact: true })).toBeVisible({ timeout: 15_000 });
  const seek = bar.getByRole('slider', { name: 'Seek' });
  await expect
    .poll(async () => Number(await seek.inputValue()), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(2);
  await expect(bar.getByRole('alert')).toHaveCount(0);
  // The now-playing bar shows the same real cover.
  await expect(bar.locator('.cover')).toHaveAttribute('data-cover', 'image');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'import-upload-album.png'), fullPage: true });
});

test('files dropped on the drop zone are listed with their tags; a text file named .flac is refused', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1400, height: 1100 });
  await signedIn(page, 'Dropper');
  await page.goto('/upload');
  const payload = await Promise.all(
    [files.mp3, files.bogus].map(async (p) => ({
      name: basename(p),
      type: p.endsWith('.mp3') ? 'audio/mpeg' : 'audio/flac',
      bytes: [...(await readFile(p))],
    })),
  );
  // A synthetic drop: a DataTransfer made in the page with the files' bytes.
  const dt = await page.evaluateHandle((fs) => {
    const d = new DataTransfer();
    for (const f of fs) d.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    return d;
  }, payload);
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dt });

  const title = page.getByRole('textbox', { name: `Title of ${basename(files.mp3)}`, exact: true });
  await expect(title).toHaveValue('Opening');
  await expect(
    page.getByRole('textbox', { name: `Album of ${basename(files.mp3)}`, exact: true }),
  ).toHaveValue(ALBUM);
  await expect(page.getByTestId('rejected')).toContainText('liner-notes.flac');
  await expect(page.getByTestId('rejected')).toContainText('Not playable audio');
  await expect(page.getByRole('button', { name: 'Upload 1 file', exact: true })).toBeEnabled();
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'import-upload-drop.png'), fullPage: true });
});
