// Upload: the file picker → tags read in the browser, edited → presigned PUT with progress → finalize → transcode (a real worker
// process, started here) → the song is ready and plays.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { signedIn } from './fixtures';

const root = join(import.meta.dirname, '..');
const mp3 = join(root, '.data', 'fixtures', 'upload-tone-12s.mp3');
let worker: ChildProcess | null = null;

test.beforeAll(() => {
  mkdirSync(join(root, '.data', 'fixtures'), { recursive: true });
  if (!existsSync(mp3)) {
    execFileSync('ffmpeg', [
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=330:duration=12',
      '-ac',
      '2',
      '-ar',
      '44100',
      '-b:a',
      '128k',
      '-y',
      mp3,
    ]);
  }
  worker = spawn('pnpm', ['--filter', '@tonearm/workers', 'start'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
});

test.afterAll(() => {
  if (worker?.pid) process.kill(-worker.pid, 'SIGTERM');
});

test('an MP3 chosen with the file picker uploads, converts, and plays', async ({ page }) => {
  test.setTimeout(120_000);
  await signedIn(page, 'Uploader');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Upload', exact: true })
    .click();
  await expect(
    page.getByText(/Accepted: MP3, FLAC, Ogg Vorbis, Opus, AAC\/M4A, ALAC, WAV and AIFF/),
  ).toBeVisible();
  const chooser = page.waitForEvent('filechooser');
  await page.getByText('Choose files', { exact: true }).click();
  await (await chooser).setFiles(mp3);
  // An untagged file: the title comes from its name, the artist is unknown until typed.
  const titleBox = page.getByRole('textbox', { name: 'Title of upload-tone-12s.mp3', exact: true });
  await expect(titleBox).toHaveValue('upload-tone-12s');
  const artistBox = page.getByRole('textbox', { name: 'Artist of upload-tone-12s.mp3', exact: true });
  await expect(artistBox).toHaveValue('Unknown Artist');
  const title = `Uploaded tone ${Date.now()}`;
  await titleBox.fill(title);
  await artistBox.fill('Tonearm Uploads');
  // An empty title is refused before anything is sent.
  await titleBox.fill('');
  await expect(page.getByRole('alert').filter({ hasText: 'A title is needed.' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Upload \d+ files?$/ })).toBeDisabled();
  await titleBox.fill(title);
  await page.getByRole('button', { name: 'Upload 1 file', exact: true }).click();

  const uploads = page.getByTestId('upload-table');
  await expect(uploads.getByTestId('row-status')).toHaveText('Ready to play', { timeout: 90_000 });
  await uploads.getByRole('link', { name: 'Song', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await page.getByRole('main').getByRole('button', { name: 'Play', exact: true }).click();
  const bar = page.getByRole('region', { name: 'Now playing' });
  await expect(bar.getByTestId('now-playing-title')).toHaveText(title);
  await expect(bar.getByRole('button', { name: 'Pause', exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bar.getByRole('alert')).toHaveCount(0);
});
