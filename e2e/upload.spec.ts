// Upload: the file chooser → presigned PUT with progress → finalize → transcode (a real worker
// process, started here) → the song is ready and plays.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { newUser, signUp } from './fixtures';

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

test('an MP3 chosen with the file chooser uploads, converts, and plays', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, newUser('Uploader'));
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Upload', exact: true })
    .click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByText('Choose a file', { exact: true }).click();
  await (await chooser).setFiles(mp3);
  await expect(page.getByText('Selected: upload-tone-12s.mp3')).toBeVisible();
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('upload-tone-12s');
  const title = `Uploaded tone ${Date.now()}`;
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Artist', { exact: true }).fill('Tonearm Uploads');
  await page.getByRole('button', { name: 'Upload', exact: true }).click();

  const uploads = page.getByTestId('uploads');
  await expect(uploads).toBeVisible();
  await expect(uploads).toContainText('Ready to play', { timeout: 90_000 });
  await uploads.getByRole('link', { name: 'Open the song' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await page.getByRole('main').getByRole('button', { name: 'Play', exact: true }).click();
  const bar = page.getByRole('region', { name: 'Now playing' });
  await expect(bar.getByTestId('now-playing-title')).toHaveText(title);
  await expect(bar.getByRole('button', { name: 'Pause', exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(bar.getByRole('alert')).toHaveCount(0);
});
