// Generated cover art: two hues derived from an id, so every album has a stable, distinct cover
// until real artwork (the image job) is served.
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function coverHues(id: string): [number, number] {
  const h = hash(id);
  const a = h % 360;
  return [a, (a + 40 + ((h >>> 9) % 80)) % 360];
}

export function coverBackground(id: string): string {
  const [a, b] = coverHues(id);
  return `radial-gradient(circle at 30% 25%, hsl(${a} 70% 70% / 0.55), transparent 55%), linear-gradient(135deg, hsl(${a} 50% 46%), hsl(${b} 55% 28%))`;
}

export function coverSvg(id: string): string {
  const [a, b] = coverHues(id);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${a},50%,46%)"/><stop offset="1" stop-color="hsl(${b},55%,28%)"/></linearGradient></defs><rect width="512" height="512" fill="url(#g)"/></svg>`;
}
