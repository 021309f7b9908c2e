// The admin side of issue 17 on a stack of its own: the API server with SIGNUP_MODE=invite and mail
// through a real SMTP sink (smtp-server, read back here), the BullMQ worker that sends it, and the
// built web app pointed at that server. The first admin comes from the host command (`pnpm admin
// create`), sets a password through the printed link, opens the users page, searches, disables a
// user (who can no longer log in), promotes one, mails a password reset (read from the sink, the
// link works), and issues an invite link that a newcomer follows to sign up while the sign-in page
// says sign-up needs an invite.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { newUser, SCREENSHOT_DIR, submitSignUp, type TestUser } from './fixtures';

const root = join(import.meta.dirname, '..');
// Ports of their own (issue 17/18 helper range), next to the suite's shared stack.
const serverPort = Number(process.env.ADMIN_E2E_SERVER_PORT ?? 21731);
const webPort = Number(process.env.ADMIN_E2E_WEB_PORT ?? 21732);
const serverUrl = `http://127.0.0.1:${serverPort}`;
const webUrl = `http://127.0.0.1:${webPort}`;
const queuePrefix = `e2e-admin-${randomBytes(3).toString('hex')}`;
const roomy = JSON.stringify({
  auth: { limit: 1000 },
  authRecovery: { limit: 1000 },
  anonymous: { limit: 100_000 },
  user: { limit: 100_000 },
  web: { limit: 100_000 },
});

const inbox: ParsedMail[] = [];
let smtp: SMTPServer;
const children: ChildProcess[] = [];

function start(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn('pnpm', args, {
    cwd: root,
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  children.push(child);
  return child;
}

async function waitUp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The newest mail to `to` whose subject matches, read back from the sink. */
async function mailTo(to: string, subject: RegExp, timeoutMs = 20_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = [...inbox]
      .reverse()
      .find((x) => x.subject && subject.test(x.subject) && JSON.stringify(x.to ?? '').includes(to));
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no mail "${subject}" to ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const linkIn = (m: ParsedMail) => {
  const link = /https?:\/\/\S+token=[A-Za-z0-9_-]{43}/.exec(m.text ?? '')?.[0];
  if (!link) throw new Error(`no link in mail "${m.subject}"`);
  return link;
};

test.beforeAll(async () => {
  test.setTimeout(120_000);
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _s, cb) {
      simpleParser(stream).then((m) => {
        inbox.push(m);
        cb();
      }, cb);
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  const common = {
    SERVER_PORT: String(serverPort),
    WEB_PORT: String(webPort),
    PUBLIC_WEB_URL: webUrl,
    SIGNUP_MODE: 'invite',
    SMTP_URL: smtpUrl,
    TONEARM_QUEUE_PREFIX: queuePrefix,
    RATE_LIMITS: roomy,
    // The bucket's CORS is shared with the suite's own stack: keep its player's origin allowed too.
    S3_CORS_ORIGINS: [process.env.WEB_PORT ?? '18002', String(webPort)]
      .flatMap((p) => [`http://127.0.0.1:${p}`, `http://localhost:${p}`])
      .join(','),
  };
  start(['--filter', '@tonearm/server', 'start'], common);
  start(['--filter', '@tonearm/workers', 'start'], { ...common, WORKER_METRICS_PORT: '0' });
  start(['--filter', '@tonearm/web', 'exec', 'next', 'start', '-p', String(webPort), '-H', '127.0.0.1'], {
    PUBLIC_SERVER_URL: serverUrl,
    SERVER_PORT: String(serverPort),
    RATE_LIMITS: roomy,
  });
  await waitUp(`${serverUrl}/healthz`);
  await waitUp(webUrl);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test.afterAll(async () => {
  for (const c of children) if (c.pid) process.kill(-c.pid, 'SIGTERM');
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

async function logIn(page: Page, email: string, password: string) {
  await page.goto(`${webUrl}/login`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

async function setPassword(page: Page, link: string, password: string) {
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByRole('button', { name: /Set password|Save|Reset/ }).click();
  await expect(page.getByText(/Your password is changed/)).toBeVisible();
}

const signUpWith = (page: Page, url: string, u: TestUser) => submitSignUp(page, u, url);

test('host admin → users page: search, disable, promote, reset by mail; invite links', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const tag = randomBytes(3).toString('hex');
  const adminEmail = `root.${tag}@example.test`;
  const adminPassword = `admin shelf lantern ${tag}`;
  // The first admin, from the server host, on this stack's database.
  const out = execFileSync('pnpm', ['-s', 'admin', 'create', adminEmail, '--handle', `root_${tag}`], {
    cwd: root,
    env: { ...process.env, PUBLIC_WEB_URL: webUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  expect(out).toContain(`created admin ${adminEmail}`);
  const setLink = /set the password within 24 hours: (\S+)/.exec(out)?.[1];
  expect(setLink).toMatch(new RegExp(`^${webUrl}/reset-password\\?token=`));

  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await setPassword(admin, setLink!, adminPassword);

  // Invite-only is on, and the sign-in page says so; sign-up without an invite is refused.
  await admin.goto(`${webUrl}/login`);
  await expect(admin.getByTestId('signup-mode')).toHaveText(/need an invite link/);
  const stranger = newUser('Stranger');
  const strangerCtx = await browser.newContext();
  const strangerPage = await strangerCtx.newPage();
  await signUpWith(strangerPage, `${webUrl}/signup`, stranger);
  await expect(strangerPage.locator('p[role="alert"]')).toHaveText(/needs an invite link/);

  await logIn(admin, adminEmail, adminPassword);
  await expect(admin.getByTestId('account-name')).toHaveText(`root_${tag}`);

  // Two invite links from the users page; each brings one person in.
  await admin.goto(`${webUrl}/admin/users`);
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Users');
  // `previous`: the link the status line shows now; the new one replaces it once the mutation answers
  // (reading it at once could read the old link: flaky in CI).
  const invite = async (previous?: string) => {
    await admin.getByRole('button', { name: 'New invite link' }).click();
    const note = admin.getByRole('status');
    await expect(note).toContainText('/signup?invite=');
    if (previous) await expect(note).not.toContainText(previous);
    return /(https?:\/\/\S+\/signup\?invite=[A-Za-z0-9_-]+)/.exec((await note.textContent()) ?? '')![1]!;
  };
  const linkA = await invite();
  expect(linkA.startsWith(`${webUrl}/signup?invite=`)).toBe(true);
  const linkB = await invite(linkA);
  expect(linkB).not.toBe(linkA);

  const ann = newUser('Ann', { handle: `ann_${tag}` });
  const bob = newUser('Bob', { handle: `bob_${tag}` });
  const annCtx = await browser.newContext();
  const annPage = await annCtx.newPage();
  await annPage.goto(linkA);
  // The link keeps its code on the sign-up page (it used to be lost), and says so.
  await expect(annPage).toHaveURL(linkA);
  await expect(annPage.getByTestId('invite-note')).toHaveText(/invite/i);
  await annPage.screenshot({ path: join(SCREENSHOT_DIR, 'signup-invite.png') });
  await signUpWith(annPage, linkA, ann);
  await expect(annPage.getByTestId('account-name')).toHaveText(ann.displayName);
  // A used invite is refused with a clear message.
  const bobCtx = await browser.newContext();
  const bobPage = await bobCtx.newPage();
  await signUpWith(bobPage, linkA, { ...bob, email: `x.${bob.email}`, handle: `x${bob.handle}` });
  await expect(bobPage.locator('p[role="alert"]')).toHaveText(/used up or has expired/);
  await signUpWith(bobPage, linkB, bob);
  await expect(bobPage.getByTestId('account-name')).toHaveText(bob.displayName);

  // Search, then disable Ann: her session ends and she can no longer log in.
  await admin.goto(`${webUrl}/admin/users`);
  await admin.getByLabel('Search users').fill(`ann_${tag}`);
  const annRow = admin.getByRole('row').filter({ hasText: `@ann_${tag}` });
  await expect(annRow).toHaveCount(1);
  await expect(admin.getByRole('row').filter({ hasText: `@bob_${tag}` })).toHaveCount(0);
  await annRow.getByRole('button', { name: 'Disable' }).click();
  await expect(annRow).toContainText('disabled');
  await admin.screenshot({ path: join(SCREENSHOT_DIR, 'admin-users.png'), fullPage: true });
  await annPage.reload();
  await expect(annPage.getByTestId('account-name')).toHaveCount(0);
  await logIn(annPage, ann.email, ann.password);
  await expect(annPage.locator('p[role="alert"]')).toHaveText(/disabled/);

  // Promote Bob: his session becomes an admin's (the users page opens for him).
  await admin.getByLabel('Search users').fill(`bob_${tag}`);
  const bobRow = admin.getByRole('row').filter({ hasText: `@bob_${tag}` });
  await expect(bobRow).toContainText('user');
  await bobRow.getByRole('button', { name: 'Make admin' }).click();
  await expect(bobRow).toContainText('admin');
  await expect(bobRow.getByRole('button', { name: 'Make admin' })).toHaveCount(0);
  await bobPage.goto(`${webUrl}/admin/users`);
  await expect(bobPage.getByRole('heading', { level: 1 })).toHaveText('Users');
  await expect(bobPage.getByRole('row').filter({ hasText: `@root_${tag}` })).toHaveCount(1);

  // A password reset mailed by the admin, read back from the SMTP sink; its link sets a new one.
  await bobRow.getByRole('button', { name: 'Email reset link' }).click();
  await expect(admin.getByRole('status')).toHaveText('Reset link mailed');
  const reset = linkIn(await mailTo(bob.email, /reset/i));
  expect(reset.startsWith(`${webUrl}/reset-password?token=`)).toBe(true);
  const fresh = `new reading lamp ${tag}`;
  const resetPage = await (await browser.newContext()).newPage();
  await setPassword(resetPage, reset, fresh);
  await logIn(resetPage, bob.email, bob.password);
  await expect(resetPage.locator('p[role="alert"]')).toBeVisible();
  await logIn(resetPage, bob.email, fresh);
  await expect(resetPage.getByTestId('account-name')).toHaveText(bob.displayName);

  for (const ctx of [adminCtx, strangerCtx, annCtx, bobCtx]) await ctx.close();
});
