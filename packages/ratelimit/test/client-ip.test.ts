// Client IP behind trusted proxies only: a client-written X-Forwarded-For entry never becomes the
// address, whatever TRUST_PROXY says, and no configuration lumps clients into one shared bucket.
import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustProxy } from '../src/client-ip';

describe('clientAddress', () => {
  it('without TRUST_PROXY: the socket address, X-Forwarded-For ignored', () => {
    const t = parseTrustProxy(undefined);
    expect(clientAddress('198.51.100.7', '1.2.3.4', t)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:198.51.100.7', undefined, t)).toBe('198.51.100.7');
    // A host that cannot see the socket (Next.js proxy) gets no address, not "unknown".
    expect(clientAddress(undefined, '1.2.3.4', t)).toBeNull();
  });

  it('N hops: the address the outermost trusted proxy saw, never a spoofed left entry', () => {
    const one = parseTrustProxy('1');
    expect(clientAddress('10.0.0.1', '203.0.113.9', one)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.9', one)).toBe('203.0.113.9');
    expect(clientAddress(undefined, '6.6.6.6, 203.0.113.9', one)).toBe('203.0.113.9');
    const two = parseTrustProxy('2');
    expect(clientAddress('10.0.0.2', ['6.6.6.6, 203.0.113.9', '10.0.0.1'], two)).toBe('203.0.113.9');
    // Fewer entries than declared proxies: the farthest known hop, still one a proxy wrote.
    expect(clientAddress('10.0.0.2', undefined, two)).toBe('10.0.0.2');
    expect(parseTrustProxy('true')).toEqual({ hops: 1 });
  });

  it('proxy addresses: walks past them only', () => {
    const t = parseTrustProxy('10.0.0.1, 10.0.0.2');
    expect(clientAddress('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.1', t)).toBe('203.0.113.9');
    // A request straight from a client (not through our proxy) keeps its own socket address.
    expect(clientAddress('198.51.100.7', '6.6.6.6', t)).toBe('198.51.100.7');
    expect(() => parseTrustProxy('10.0.0.1, evil.example')).toThrow(/neither a hop count nor an IP/);
  });
});
