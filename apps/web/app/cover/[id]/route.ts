// Generated cover art as SVG (Media Session artwork needs a URL).
import { coverSvg } from '../../../lib/cover';

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const clean = id.replace(/\.svg$/, '').slice(0, 64);
  return new Response(coverSvg(clean), {
    headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=31536000, immutable' },
  });
}
