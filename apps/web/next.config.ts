import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages the web app runs (they ship TS source). The router is not among them: the web
  // app takes its type only and calls the standalone server over HTTP (docs/SECURITY.md).
  transpilePackages: ['@tonearm/validators', '@tonearm/player', '@tonearm/ratelimit', '@tonearm/realtime'],
  typescript: { ignoreBuildErrors: false },
};

export default config;
