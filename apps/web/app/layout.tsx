import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from './providers';

export const metadata: Metadata = { title: 'Tonearm', description: 'Self-hosted music streaming' };
// Read at request time so one build serves any server URL (ports differ between dev, CI and prod).
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  const apiUrl = process.env.PUBLIC_SERVER_URL ?? `http://127.0.0.1:${process.env.SERVER_PORT ?? 18001}`;
  return (
    <html lang="en">
      <body>
        <Providers apiUrl={apiUrl}>{children}</Providers>
      </body>
    </html>
  );
}
