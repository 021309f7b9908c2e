import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SCREENSHOT_DIR, signedIn } from './fixtures';

const serverUrl = `http://127.0.0.1:${process.env.SERVER_PORT ?? 18001}`;

test('make an app password in the account page and connect a Subsonic client with it, then revoke it', async ({
  page,
}) => {
  const user = await signedIn(page, 'Sonic');
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('link', { name: 'Subsonic apps', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Subsonic apps' })).toBeVisible();
  await expect(page.getByTestId('subsonic-status')).toHaveText('No app password yet.');
  await page.getByRole('button', { name: 'Create app password' }).click();
  const password = (await page.getByTestId('subsonic-password').textContent()) ?? '';
  expect(password).toMatch(/^[a-z0-9]{20}$/);
  await expect(page.getByTestId('subsonic-status')).toContainText('not used yet');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'subsonic-account.png'), fullPage: true });

  const ping = (p: string) =>
    page.request
      .get(`${serverUrl}/rest/ping.view`, { params: { u: user.handle, p, v: '1.16.1', c: 'e2e', f: 'json' } })
      .then((r) => r.json());
  expect((await ping(password))['subsonic-response'].status).toBe('ok');
  expect((await ping(user.password))['subsonic-response'].error.code).toBe(40); // never the account password

  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('subsonic-status')).toHaveText('No app password yet.');
  expect((await ping(password))['subsonic-response'].error.code).toBe(40);
});
