// Turns any failure into one sentence a person can act on. Server errors carry the AppError shape
// (see @tonearm/validators); their messages are already written for people when exposed.
import type { AppErrorData } from '@tonearm/validators';

/** The AppError data an API error carries (code, field errors), if any. */
export function appData(e: unknown): Partial<AppErrorData> | undefined {
  if (typeof e !== 'object' || e === null || !('data' in e)) return undefined;
  const data = (e as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as Partial<AppErrorData>) : undefined;
}

export function describeError(e: unknown): string {
  const data = appData(e);
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  if (data?.fieldErrors) {
    const first = Object.entries(data.fieldErrors).find(([, v]) => v.length > 0);
    if (first) return `${first[0]}: ${first[1][0]}`;
  }
  if (data?.appCode === 'UNAUTHORIZED') return 'Log in first.';
  if (data?.appCode === 'TOO_MANY_REQUESTS') return 'Too many requests. Wait a moment and try again.';
  if (data?.appCode === 'INTERNAL_SERVER_ERROR') {
    return `Something went wrong on the server${data.requestId ? ` (request ${data.requestId})` : ''}.`;
  }
  if (/failed to fetch|networkerror|load failed/i.test(message)) {
    return "Can't reach the Tonearm server. Check your connection and try again.";
  }
  return message || 'Something went wrong.';
}

export function isUnauthorized(e: unknown): boolean {
  return appData(e)?.appCode === 'UNAUTHORIZED';
}
