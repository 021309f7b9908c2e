import type { NextConfig } from 'next';
import { STATIC_SECURITY_HEADERS } from './lib/security-headers';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages the web app runs (they ship TS source). The router is not among them: the web
  // app takes its type only and calls the standalone server over HTTP (docs/SECURITY.md).
  transpilePackages: [
    '@tonearm/config',
    '@tonearm/validators',
    '@tonearm/player',
    '@tonearm/ratelimit',
    '@tonearm/realtime',
    '@tonearm/cache',
  ],
  typescript: { ignoreBuildErrors: false },
  // nosniff, Referrer-Policy, Permissions-Policy, framing: every path (the CSP comes from proxy.ts).
  headers: async () => [{ source: '/:path*', headers: STATIC_SECURITY_HEADERS }],
};

export default config;
