// CloudFront signing for playback: one custom-policy signature per track played, scoped to the song's
// published HLS prefix (Resource "<base><prefix>*", the prefix ending in "/" so song A's signature never
// covers song B). The same signature is handed out as signed cookies and as signed-URL query parameters.
import { readFileSync } from 'node:fs';
import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
import { env } from '@tonearm/config';

export type SignerConfig = {
  /** Public base URL of media, ending in "/": the CloudFront distribution or the dev edge. */
  baseUrl: string;
  keyPairId: string;
  privateKeyPem: string;
};

export type PlaybackGrant = {
  /** The policy's Resource glob. */
  resource: string;
  expiresAt: number;
  /** CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id. */
  cookies: Record<string, string>;
  /** "Policy=…&Signature=…&Key-Pair-Id=…" to append to every URL under the prefix. */
  query: string;
};

export function signerConfigFromEnv(fallbackBaseUrl?: string): SignerConfig {
  const cfg = env();
  const baseUrl = cfg.MEDIA_BASE_URL ?? fallbackBaseUrl;
  if (!baseUrl) throw new Error('MEDIA_BASE_URL is not set');
  if (!cfg.CLOUDFRONT_PRIVATE_KEY_FILE) throw new Error('CLOUDFRONT_PRIVATE_KEY_FILE is not set');
  return {
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    keyPairId: cfg.CLOUDFRONT_KEY_PAIR_ID,
    privateKeyPem: readFileSync(cfg.CLOUDFRONT_PRIVATE_KEY_FILE, 'utf8'),
  };
}

export class MediaSigner {
  /** Signatures made by this process (the bench checks one per track played). */
  signaturesMade = 0;
  constructor(readonly cfg: SignerConfig) {}

  urlOf(key: string): string {
    return this.cfg.baseUrl + key.split('/').map(encodeURIComponent).join('/');
  }

  /** Signs a custom policy covering every object under `prefix` (which must end in "/") until expiry. */
  grantPrefix(prefix: string, ttlSeconds: number, now = Math.floor(Date.now() / 1000)): PlaybackGrant {
    if (!prefix.endsWith('/')) throw new Error('a signed prefix must end in "/"');
    const resource = `${this.urlOf(prefix)}*`;
    const expiresAt = now + Math.ceil(ttlSeconds);
    const policy = JSON.stringify({
      Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expiresAt } } }],
    });
    const signed = getSignedCookies({
      policy,
      keyPairId: this.cfg.keyPairId,
      privateKey: this.cfg.privateKeyPem,
    });
    this.signaturesMade++;
    const cookies: Record<string, string> = {
      'CloudFront-Policy': signed['CloudFront-Policy'] ?? '',
      'CloudFront-Signature': signed['CloudFront-Signature'],
      'CloudFront-Key-Pair-Id': signed['CloudFront-Key-Pair-Id'],
    };
    const query = [
      `Policy=${cookies['CloudFront-Policy']}`,
      `Signature=${cookies['CloudFront-Signature']}`,
      `Key-Pair-Id=${cookies['CloudFront-Key-Pair-Id']}`,
    ].join('&');
    return { resource, expiresAt, cookies, query };
  }
}
