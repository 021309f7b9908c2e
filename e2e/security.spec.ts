// Security controls seen from the browser's side of the web port (docs/SECURITY.md).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { Artist, connectDb, disconnectDb } from '@tonearm/db';
import { SCREENSHOT_DIR, signedIn } from './fixtures';

test.describe('one API host', () => {
  test('the web port serves no tRPC: a batched auth.logIn brute force gets a 404, not 500 answers', async ({
    request,
  }) => {
    const n = 500;
    const paths = Array.from({ length: n }, () => 'auth.logIn').join(',');
    const body = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        i,
        { email: 'victim@example.test', password: `guess number ${i}` },
      ]),
    );
    const res = await request.post(`/api/trpc/${paths}?batch=1`, { data: body });
    expect(res.status()).toBe(404);
    expect(res.headers()['set-cookie']).toBeUndefined();
    const single = await request.post('/api/trpc/auth.logIn', {
      data: { email: 'victim@example.test', password: 'guess number 1' },
    });
    expect(single.status()).toBe(404);
  });
});

test.describe('hardening headers', () => {
  test('every page carries a nonce CSP, frame-ancestors none, nosniff, Referrer- and Permissions-Policy', async ({
    request,
  }) => {
    const a = await request.get('/');
    const b = await request.get('/');
    const csp = a.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    // A fresh nonce per response, and it is the one on the page's scripts.
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(/'nonce-([^']+)'/.exec(b.headers()['content-security-policy'] ?? '')![1]).not.toBe(nonce);
    expect(await a.text()).toContain(`nonce="${nonce}"`);
    for (const path of ['/', '/login', '/cover/abc.svg']) {
      const h = (await request.get(path)).headers();
      expect(h['x-content-type-options'], path).toBe('nosniff');
      expect(h['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
      expect(h['permissions-policy'], path).toContain('camera=()');
      expect(h['x-frame-options'], path).toBe('DENY');
    }
  });

  test('the player plays a song under the CSP with no violation', async ({ page }) => {
    test.setTimeout(240_000);
    execFileSync('pnpm', ['exec', 'tsx', 'scripts/demo-media.ts', '--count', '5', '--seconds', '20'], {
      cwd: join(import.meta.dirname, '..'),
      stdio: 'ignore',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    await connectDb();
    const artist = await Artist.findOne({ name: 'Tonearm Test Tones' }).lean();
    await disconnectDb();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`Refused to load (CSP ${e.violatedDirective}): ${e.blockedURI}`),
      );
    });
    await signedIn(page, 'Csp');
    await page.goto(`/artist/${String(artist!._id)}`);
    await page
      .getByTestId('artist-top')
      .getByRole('button', { name: /^Play .* by/ })
      .first()
      .click();
    const bar = page.getByRole('region', { name: 'Now playing' });
    await expect(bar.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    await expect
      .poll(
        async () => {
          const t = (await bar.getByRole('slider', { name: 'Seek' }).getAttribute('aria-valuetext')) ?? '';
          const m = /^(\d+):(\d\d)/.exec(t);
          return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'security-csp-playing.png') });
    expect(violations).toEqual([]);
  });
});
