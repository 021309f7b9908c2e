// Which scope and identifier a call is counted under: a stricter procedure scope (auth.*) by IP
// first, then the caller's identity: API key, signed-in user, or anonymous IP.
import { procedureScope, type ScopeName } from './scopes';

export type Caller = {
  ip: string;
  userId?: string | null;
  apiKey?: { keyId: string; rateLimitPerMinute: number } | null;
};

export type Subject = { scope: ScopeName; identifier: string; limit?: number };

export function subjectOf(caller: Caller, procedurePath?: string): Subject {
  const strict = procedurePath ? procedureScope(procedurePath) : null;
  if (strict) return { scope: strict, identifier: caller.ip };
  if (caller.apiKey) {
    return { scope: 'apiKey', identifier: caller.apiKey.keyId, limit: caller.apiKey.rateLimitPerMinute };
  }
  if (caller.userId) return { scope: 'user', identifier: caller.userId };
  return { scope: 'anonymous', identifier: caller.ip };
}
