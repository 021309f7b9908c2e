// The web app's hardening headers (docs/SECURITY.md). The CSP is built per request with a fresh nonce
// (proxy.ts): Next.js puts the nonce on its own scripts when the request carries the policy, and the
// root layout puts it on the theme script. 'strict-dynamic' lets those scripts load the chunks.
// The other headers are static and set for every path in next.config.ts.
import { publicServerUrl, type WebEnv, webEnv } from '@tonearm/config/web';

const origin = (u: string | undefined) => {
  if (!u) return null;
  try {
    return new URL(u).origin;
  } catch {
    return null;
  }
};

/** Origins the player talks to: the API (HTTP + socket.io), the media edge, S3 for uploads. */
export function apiOrigins(env: WebEnv = webEnv()): string[] {
  const api = origin(publicServerUrl(env))!;
  const out = new Set([api, api.replace(/^http/, 'ws')]);
  for (const u of [env.MEDIA_BASE_URL, env.S3_ENDPOINT]) {
    const o = origin(u);
    if (o) out.add(o);
  }
  // Uploads to AWS S3 (no custom endpoint): the bucket's virtual-hosted origin.
  if (!env.S3_ENDPOINT) out.add('https://*.amazonaws.com');
  for (const o of env.CSP_EXTRA_ORIGINS.split(',')) if (origin(o.trim())) out.add(origin(o.trim())!);
  return [...out];
}

export function contentSecurityPolicy(nonce: string, env: WebEnv = webEnv()) {
  const remote = apiOrigins(env).join(' ');
  // Only `next dev` evaluates code (React's dev tooling); a built app under test or production does not.
  const dev = env.NODE_ENV === 'development';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // React and Next set style attributes; no script runs from a style.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${remote}`,
    `media-src 'self' blob: ${remote}`,
    `connect-src 'self' ${remote}`,
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** Set on every response (next.config.ts headers()). */
export const STATIC_SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  {
    key: 'Permissions-Policy',
    value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()',
  },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];
