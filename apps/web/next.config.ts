import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@tonearm/validators', '@tonearm/ratelimit'],
  typescript: { ignoreBuildErrors: false },
};

export default config;
