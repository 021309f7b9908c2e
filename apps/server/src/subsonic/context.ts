// The shapes every /rest/ endpoint works with: the authenticated caller, the parameters (GET query and
// POST form), the call's context, and the endpoint record (its API-key scope and its run).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiDeps } from '@tonearm/api';
import type { ApiKeyScope } from '@tonearm/validators';
import { ErrorCode, type Format, type Payload, SubsonicError } from './envelope';

export const SUBSONIC_PREFIX = '/rest/';
const MAX_FORM_BYTES = 256 * 1024;

export type Caller = {
  userId: string;
  handle: string;
  email: string;
  role: 'user' | 'admin';
  apiKeyScopes: string[] | null;
  keyId: string | null;
  rateLimitPerMinute?: number;
};

export type Params = {
  get(name: string): string | undefined;
  all(name: string): string[];
  int(name: string, def: number, min?: number, max?: number): number;
  req(name: string): string;
  raw: URLSearchParams;
};

export function paramsOf(q: URLSearchParams): Params {
  const p: Params = {
    raw: q,
    get: (n) => q.get(n) ?? undefined,
    all: (n) => q.getAll(n),
    int(n, def, min = 0, max = Number.MAX_SAFE_INTEGER) {
      const v = q.get(n);
      if (v === null || v === '') return def;
      const x = Number(v);
      if (!Number.isInteger(x))
        throw new SubsonicError(ErrorCode.GENERIC, `Parameter ${n} must be an integer`);
      return Math.min(max, Math.max(min, x));
    },
    req(n) {
      const v = q.get(n);
      if (v === null || v === '')
        throw new SubsonicError(ErrorCode.MISSING_PARAM, `Required parameter is missing: ${n}`);
      return v;
    },
  };
  return p;
}

export async function readForm(req: IncomingMessage, res: ServerResponse): Promise<string> {
  const type = String(req.headers['content-type'] ?? '');
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return '';
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > MAX_FORM_BYTES) {
      // The rest of the body is never read: this connection cannot carry another request.
      res.setHeader('connection', 'close');
      throw new SubsonicError(ErrorCode.GENERIC, 'Request body too large');
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type Ctx = {
  deps: ApiDeps;
  req: IncomingMessage;
  res: ServerResponse;
  p: Params;
  f: Format;
  cb?: string;
  caller: Caller;
};
export type Handler = (c: Ctx) => Promise<Payload | 'sent'>;
export type Endpoint = { scope: ApiKeyScope | null; run: Handler };

export const bool = (v: string | undefined) => v === 'true' || v === '1';
export const notFound = (what: string) => new SubsonicError(ErrorCode.NOT_FOUND, `${what} not found`);

export const E = (scope: ApiKeyScope | null, run: Handler): Endpoint => ({ scope, run });
