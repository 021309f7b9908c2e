// The Subsonic response envelope in its two forms: JSON ({"subsonic-response": {...}}) and XML (the
// default), where scalars become attributes, objects child elements, arrays repeated elements, and a
// "value" key the element's text (Genre, lyrics lines). Errors answer HTTP 200 with a Subsonic code.
import type { ServerResponse } from 'node:http';

export const API_VERSION = '1.16.1';
export const SERVER_TYPE = 'tonearm';
export const SERVER_VERSION = '0.1.0';

export const ErrorCode = {
  GENERIC: 0,
  MISSING_PARAM: 10,
  CLIENT_TOO_OLD: 20,
  WRONG_CREDENTIALS: 40,
  TOKEN_AUTH_UNSUPPORTED: 41,
  AUTH_MECHANISM_UNSUPPORTED: 42,
  CONFLICTING_AUTH: 43,
  INVALID_API_KEY: 44,
  NOT_AUTHORIZED: 50,
  NOT_FOUND: 70,
} as const;

export class SubsonicError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export type Payload = Record<string, unknown>;
export type Format = 'json' | 'xml' | 'jsonp';

function header(status: 'ok' | 'failed') {
  return {
    status,
    version: API_VERSION,
    type: SERVER_TYPE,
    serverVersion: SERVER_VERSION,
    openSubsonic: true,
  };
}

export function envelope(status: 'ok' | 'failed', payload: Payload): Payload {
  return { 'subsonic-response': { ...header(status), ...payload } };
}

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot carry at all.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

function element(name: string, obj: Payload): string {
  let attrs = '';
  let children = '';
  let text = '';
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null) continue;
    if (k === 'value' && typeof v !== 'object') {
      text = esc(String(v));
    } else if (Array.isArray(v)) {
      for (const item of v) {
        children +=
          item !== null && typeof item === 'object'
            ? element(k, item as Payload)
            : `<${k}>${esc(String(item))}</${k}>`;
      }
    } else if (typeof v === 'object') {
      children += element(k, v as Payload);
    } else {
      attrs += ` ${k}="${esc(String(v))}"`;
    }
  }
  return children || text ? `<${name}${attrs}>${text}${children}</${name}>` : `<${name}${attrs}/>`;
}

export function toXml(body: Payload): string {
  const inner = body['subsonic-response'] as Payload;
  const xml = element('subsonic-response', inner).replace(
    /^<subsonic-response/,
    '<subsonic-response xmlns="http://subsonic.org/restapi"',
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
}

export function send(res: ServerResponse, format: Format, body: Payload, callback?: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  let text: string;
  if (format === 'xml') {
    res.setHeader('content-type', 'application/xml; charset=utf-8');
    text = toXml(body);
  } else if (format === 'jsonp' && callback && /^[A-Za-z_$][\w$.]{0,63}$/.test(callback)) {
    res.setHeader('content-type', 'application/javascript; charset=utf-8');
    text = `${callback}(${JSON.stringify(body)});`;
  } else {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    text = JSON.stringify(body);
  }
  res.setHeader('content-length', Buffer.byteLength(text));
  res.writeHead(200);
  res.end(text);
}

export const ok = (res: ServerResponse, f: Format, payload: Payload = {}, cb?: string) =>
  send(res, f, envelope('ok', payload), cb);
export const fail = (res: ServerResponse, f: Format, code: number, message: string, cb?: string) =>
  send(res, f, envelope('failed', { error: { code, message } }), cb);
