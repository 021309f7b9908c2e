// What CloudFront checks at the edge for signed URLs and signed cookies, ported from the verified
// recipe (../shared/recipes/cloudfront-verify.mjs): CloudFront's base64 alphabet, RSA-SHA1 (or SHA-256
// with Hash-Algorithm) over the exact policy bytes — decoded for a custom policy, rebuilt byte for byte
// for a canned one —, exactly one Statement, Resource as a glob where * also spans / and ?,
// DateLessThan required, DateGreaterThan optional. Used by the dev edge; production is CloudFront itself.
import { createVerify } from 'node:crypto';

export const CF_PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
type CfParam = (typeof CF_PARAMS)[number];
type Source = Partial<Record<CfParam, string>>;
/** Public keys by Key-Pair-Id (CloudFront key group members), PEM. */
export type PublicKeys = Record<string, string>;

export type VerifyResult =
  | 'ok'
  | 'missing params'
  | 'unknown Key-Pair-Id'
  | 'bad Hash-Algorithm'
  | 'bad Expires'
  | 'bad signature'
  | 'bad policy json'
  | 'policy must have exactly 1 statement'
  | 'resource mismatch'
  | 'DateLessThan required'
  | 'expired'
  | 'not yet valid';

const unCF = (s: string) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
const globToRe = (g: string) =>
  new RegExp(
    `^${g
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );

type Statement = {
  Resource?: string;
  Condition?: {
    DateLessThan?: { 'AWS:EpochTime'?: unknown };
    DateGreaterThan?: { 'AWS:EpochTime'?: unknown };
  };
};

function check(resourceUrl: string, src: Source, keys: PublicKeys, now: number): VerifyResult {
  const { Expires, Policy, Signature, 'Key-Pair-Id': kid, 'Hash-Algorithm': alg = 'SHA1' } = src;
  if (!Signature || !kid || (!Policy && !Expires)) return 'missing params';
  const key = Object.hasOwn(keys, kid) ? keys[kid] : undefined;
  if (!key) return 'unknown Key-Pair-Id';
  if (alg !== 'SHA1' && alg !== 'SHA256') return 'bad Hash-Algorithm';
  if (!Policy && !/^\d+$/.test(Expires ?? '')) return 'bad Expires';
  const policy = Policy
    ? unCF(Policy).toString('utf8') // custom: the signed bytes are exactly the decoded policy
    : `{"Statement":[{"Resource":${JSON.stringify(resourceUrl)},"Condition":{"DateLessThan":{"AWS:EpochTime":${Number(Expires)}}}}]}`;
  const v = createVerify(alg === 'SHA256' ? 'RSA-SHA256' : 'RSA-SHA1');
  v.update(policy);
  let good = false;
  try {
    good = v.verify(key, unCF(Signature));
  } catch {
    good = false;
  }
  if (!good) return 'bad signature';
  let st: unknown;
  try {
    st = (JSON.parse(policy) as { Statement?: unknown }).Statement;
  } catch {
    return 'bad policy json';
  }
  if (!Array.isArray(st) || st.length !== 1) return 'policy must have exactly 1 statement';
  const { Resource = 'http*://*', Condition: c = {} } = st[0] as Statement; // no Resource = everything
  if (typeof Resource !== 'string' || !globToRe(Resource).test(resourceUrl)) return 'resource mismatch';
  const lt = c.DateLessThan?.['AWS:EpochTime'];
  const gt = c.DateGreaterThan?.['AWS:EpochTime'];
  if (typeof lt !== 'number') return 'DateLessThan required';
  if (now >= lt) return 'expired';
  if (typeof gt === 'number' && now < gt) return 'not yet valid';
  return 'ok';
}

const nowSec = () => Math.floor(Date.now() / 1000);

export function verifySignedUrl(url: string, keys: PublicKeys, now = nowSec()): VerifyResult {
  const u = new URL(url);
  const src: Source = {};
  for (const k of CF_PARAMS) {
    const v = u.searchParams.get(k);
    if (v !== null) src[k] = v;
  }
  // The resource is the URL as requested minus CloudFront's own params (order and raw encoding kept).
  const rest = u.search
    .slice(1)
    .split('&')
    .filter(
      (p) => p && !(CF_PARAMS as readonly string[]).includes(decodeURIComponent(p.split('=')[0] ?? '')),
    );
  return check(u.origin + u.pathname + (rest.length ? `?${rest.join('&')}` : ''), src, keys, now);
}

export function verifySignedCookies(
  url: string,
  cookieHeader: string,
  keys: PublicKeys,
  now = nowSec(),
): VerifyResult {
  const jar = new Map<string, string>();
  for (const c of cookieHeader.split(/;\s*/)) {
    const i = c.indexOf('=');
    if (i > 0) jar.set(c.slice(0, i), c.slice(i + 1));
  }
  const src: Source = {};
  for (const k of CF_PARAMS) {
    const v = jar.get(`CloudFront-${k}`);
    if (v !== undefined) src[k] = v;
  }
  return check(url, src, keys, now);
}

/** True when the URL carries CloudFront signed-URL parameters (which then take precedence over cookies). */
export function hasSignedUrlParams(url: string): boolean {
  const u = new URL(url);
  return u.searchParams.has('Signature');
}
