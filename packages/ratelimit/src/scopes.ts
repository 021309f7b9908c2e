// Rate limits as one table (Funkwhale-style scopes): who is counted (by), how many calls per window,
// and what happens when Redis cannot be reached (failMode). Edit limits here and nowhere else;
// RATE_LIMITS (JSON, e.g. {"anonymous":{"limit":5}}) overrides entries per deployment or test.
import { z } from 'zod';

export type ScopeName = 'anonymous' | 'user' | 'apiKey' | 'auth' | 'authRecovery' | 'web';

export type Scope = {
  /** What the counter is keyed by. */
  by: 'ip' | 'user' | 'apiKey';
  /** Calls allowed per window; for apiKey this is the default when the key carries no own limit. */
  limit: number;
  windowSeconds: number;
  /**
   * fixed: one INCR-style script per check, the cheapest (≈ one Redis round trip), but a caller can
   * spend two budgets around a window edge. sliding: weighs the previous window in (two GETs more
   * inside the script), for the low-volume scopes where a boundary burst matters (credential guessing).
   */
  algorithm: 'fixed' | 'sliding';
  /**
   * Redis unreachable: "open" lets the call through (availability over strictness: reads and plays
   * must not fail because the limiter's store is down); "closed" answers 503 (sign-in and recovery
   * need Redis for sessions anyway, and unthrottled credential guessing is worse than a short outage).
   */
  failMode: 'open' | 'closed';
  description: string;
};

export const SCOPES: Record<ScopeName, Scope> = {
  anonymous: {
    by: 'ip',
    limit: 300,
    windowSeconds: 60,
    algorithm: 'fixed',
    failMode: 'open',
    description: 'API calls without a session or API key, per client IP',
  },
  user: {
    by: 'user',
    limit: 1200,
    windowSeconds: 60,
    algorithm: 'fixed',
    failMode: 'open',
    description: 'API calls of a signed-in person, per user id',
  },
  apiKey: {
    by: 'apiKey',
    limit: 600,
    windowSeconds: 60,
    algorithm: 'fixed',
    failMode: 'open',
    description: "Programmatic clients, per API key; the key's own rateLimitPerMinute wins",
  },
  auth: {
    by: 'ip',
    limit: 10,
    windowSeconds: 60,
    algorithm: 'sliding',
    failMode: 'closed',
    description: 'auth.* procedures (sign-in, sign-up...), per client IP',
  },
  authRecovery: {
    by: 'ip',
    limit: 5,
    windowSeconds: 15 * 60,
    algorithm: 'sliding',
    failMode: 'closed',
    description: 'Password reset and verification mails, per client IP',
  },
  web: {
    by: 'ip',
    limit: 600,
    windowSeconds: 60,
    algorithm: 'fixed',
    failMode: 'open',
    description: 'Next.js page and route requests, per client IP',
  },
};

/**
 * Procedure paths with a stricter scope than the caller's identity scope; first match wins,
 * a trailing ".*" matches a whole router. Keyed by path so new auth procedures are covered on arrival.
 * `null` means "the caller's own identity scope": session reads (auth.me on every page load of every
 * tab) and logging out are not credential attempts, so they never spend the sign-in budget and a
 * household behind one IP is never shown as signed out for loading pages quickly.
 */
export const PROCEDURE_SCOPES: ReadonlyArray<readonly [pattern: string, scope: ScopeName | null]> = [
  ['auth.me', null],
  ['auth.logOut', null],
  ['auth.requestPasswordReset', 'authRecovery'],
  ['auth.resetPassword', 'authRecovery'],
  ['auth.resendVerification', 'authRecovery'],
  ['auth.*', 'auth'],
];

export function procedureScope(path: string): ScopeName | null {
  for (const [pattern, scope] of PROCEDURE_SCOPES) {
    if (pattern.endsWith('.*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern) return scope;
  }
  return null;
}

const ZScopeOverride = z.strictObject({
  limit: z.number().int().positive().optional(),
  windowSeconds: z.number().int().positive().optional(),
  algorithm: z.enum(['fixed', 'sliding']).optional(),
  failMode: z.enum(['open', 'closed']).optional(),
});
const ZOverrides = z.partialRecord(
  z.enum(['anonymous', 'user', 'apiKey', 'auth', 'authRecovery', 'web']),
  ZScopeOverride,
);

/** The table with RATE_LIMITS applied; throws on a malformed override so a typo is loud. */
export function resolveScopes(overridesJson?: string): Record<ScopeName, Scope> {
  if (!overridesJson) return SCOPES;
  const overrides = ZOverrides.parse(JSON.parse(overridesJson));
  const out = { ...SCOPES };
  for (const [name, o] of Object.entries(overrides) as [ScopeName, z.infer<typeof ZScopeOverride>][]) {
    out[name] = { ...out[name], ...o };
  }
  return out;
}
