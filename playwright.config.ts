// Playwright in Debian's Chromium (never a downloaded browser). scripts/test.sh picks the ports and
// builds the web app; the config starts the standalone server and `next start` against the services.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/lib/chromium';

// The web app's CSP names the S3 endpoint uploads go to (apps/web/lib/security-headers.ts).
// The services the suite runs on (scripts/test.sh: .data/test/services.env).
const servicesEnv = process.env.TONEARM_SERVICES_ENV ?? join(import.meta.dirname, '.data', 'services.env');
const s3Endpoint =
  process.env.S3_ENDPOINT ??
  (existsSync(servicesEnv) ? /^S3_ENDPOINT=(.*)$/m.exec(readFileSync(servicesEnv, 'utf8'))?.[1] : undefined);

const serverPort = Number(process.env.SERVER_PORT ?? 18001);
const webPort = Number(process.env.WEB_PORT ?? 18002);
const serverUrl = `http://127.0.0.1:${serverPort}`;
// The suites sign up dozens of people from one IP within a minute; the limits themselves are tested
// by the rate-limit suites, so the browser suites run with roomy ones.
const rateLimits =
  process.env.RATE_LIMITS ??
  JSON.stringify({
    auth: { limit: 1000 },
    anonymous: { limit: 100_000 },
    user: { limit: 100_000 },
    web: { limit: 100_000 },
  });

export default defineConfig({
  testDir: './e2e',
  // The newcomer suite runs against the stack scripts/run.sh starts, with a config of its own.
  testIgnore: ['newcomer/**'],
  outputDir: '.data/playwright/results',
  timeout: 30_000,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '.data/reports/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${webPort}`,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: [
    {
      command: 'pnpm --filter @tonearm/server start',
      url: `${serverUrl}/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      env: {
        SERVER_PORT: String(serverPort),
        WEB_PORT: String(webPort),
        LOG_LEVEL: 'warn',
        RATE_LIMITS: rateLimits,
      },
    },
    {
      command: `pnpm --filter @tonearm/web exec next start -p ${webPort} -H 127.0.0.1`,
      url: `http://127.0.0.1:${webPort}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      env: {
        PUBLIC_SERVER_URL: serverUrl,
        SERVER_PORT: String(serverPort),
        RATE_LIMITS: rateLimits,
        ...(s3Endpoint ? { S3_ENDPOINT: s3Endpoint } : {}),
      },
    },
  ],
});
