import { publicServerUrl } from '@tonearm/config/web';
import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { AppShell } from '../components/app-shell';
import { THEME_INIT_SCRIPT } from '../lib/theme';
import './globals.css';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: { default: 'Tonearm', template: '%s · Tonearm' },
  description: 'Self-hosted music streaming',
};
export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f7f7f5' },
    { media: '(prefers-color-scheme: dark)', color: '#121416' },
  ],
};
// Read at request time so one build serves any server URL (ports differ between dev, CI and prod).
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The per-request CSP nonce set by proxy.ts: the inline theme script must carry it.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  const apiUrl = publicServerUrl();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body>
        <Providers apiUrl={apiUrl}>
          <AppShell>{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
