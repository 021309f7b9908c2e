import { expect, test } from '@playwright/test';
import { signedIn } from './fixtures';

test('sign up, stay signed in across a reload, log out, log in again', async ({ page }) => {
  const user = await signedIn(page, 'Ada');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`, ${user.displayName}`);

  await page.reload();
  await expect(page.getByTestId('account-name')).toHaveText(user.displayName);

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();
  await expect(page.getByTestId('account-name')).toHaveCount(0);

  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('account-name')).toHaveText(user.displayName);
});

test('a wrong password is refused with a message, and the person stays signed out', async ({ page }) => {
  const user = await signedIn(page, 'Grace');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();

  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toBeVisible();
  await expect(page.getByTestId('account-name')).toHaveCount(0);
});

test('signing up with a taken email says so', async ({ page, browser }) => {
  const user = await signedIn(page, 'Linus');
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto('/signup');
  await p2.getByLabel('Name', { exact: true }).fill('Someone Else');
  await p2.getByLabel('Username', { exact: true }).fill(`${user.handle}_2`);
  await p2.getByLabel('Email', { exact: true }).fill(user.email);
  await p2.getByLabel('Password', { exact: true }).fill('another password');
  await p2.getByRole('button', { name: 'Create account' }).click();
  await expect(p2.getByRole('main').getByRole('alert')).toContainText(/email|taken|exists|already/i);
  await other.close();
});

test('pages that need an account say so to a signed-out visitor', async ({ page }) => {
  for (const path of ['/library', '/playlists', '/upload']) {
    await page.goto(path);
    await expect(page.getByRole('main')).toContainText('Log in to');
    await expect(page.getByRole('main').getByRole('link', { name: 'Log in' })).toBeVisible();
  }
});
