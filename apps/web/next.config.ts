import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The /api/trpc route and the RSC caller embed the router: its workspace packages ship TS source.
  transpilePackages: [
    '@tonearm/validators',
    '@tonearm/api',
    '@tonearm/core',
    '@tonearm/db',
    '@tonearm/cache',
    '@tonearm/config',
    '@tonearm/observability',
    '@tonearm/player',
    '@tonearm/ratelimit',
    '@tonearm/realtime',
  ],
  typescript: { ignoreBuildErrors: false },
};

export default config;
