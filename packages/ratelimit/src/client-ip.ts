// The client IP behind trusted proxies only (docs/SECURITY.md). X-Forwarded-For is a list each proxy
// appends to; anything left of what OUR proxies appended was written by the client and is a lie
// waiting to happen. TRUST_PROXY says which hops are ours:
//   unset / 0 / false   no proxy: the socket address; X-Forwarded-For is ignored
//   N (1 / true = 1)    N proxies in front: the N-th address from the right of [xff..., socket]
//   a,b,c               proxy addresses: walk from the socket leftwards past those, take the first other
export type TrustProxy = { hops: number } | { addresses: Set<string> };

export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false') return { hops: 0 };
  if (v === 'true') return { hops: 1 };
  if (/^\d+$/.test(v)) return { hops: Math.min(Number(v), 32) };
  const addresses = v
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of addresses)
    if (!/^[0-9a-f.:]+$/.test(a))
      throw new Error(`TRUST_PROXY: "${a}" is neither a hop count nor an IP address`);
  return { addresses: new Set(addresses) };
}

const normal = (a: string) => a.replace(/^::ffff:/, '');

/**
 * The client address. `socket` is the peer of the TCP connection (undefined where the host cannot
 * see it, as in a Next.js proxy: then the nearest hop must be a trusted proxy). Returns null when no
 * trustworthy address is known (the caller must not lump such requests into one shared bucket).
 */
export function clientAddress(
  socket: string | undefined,
  forwardedFor: string | string[] | undefined,
  trust: TrustProxy,
): string | null {
  const xff = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Nearest first: the socket peer, then what each proxy appended, right to left.
  const chain = [...(socket ? [normal(socket)] : []), ...xff.reverse().map(normal)];
  if ('hops' in trust) {
    const i = socket ? trust.hops : trust.hops - 1;
    if (i < 0) return socket ? normal(socket) : null;
    // Fewer entries than proxies: the farthest one we have (it was still written by a proxy of ours).
    return chain[Math.min(i, chain.length - 1)] ?? null;
  }
  for (const a of chain) if (!trust.addresses.has(a)) return a;
  return chain.at(-1) ?? null;
}
