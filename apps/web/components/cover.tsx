'use client';
import { useApiUrl } from '../lib/api-url';
import { coverBackground } from '../lib/cover';

/** The URL of a processed cover (the cover job's sizes 64/300/640) on the API server's /covers/ route. */
export function coverImageUrl(
  apiUrl: string,
  coverKey: string,
  px: number,
  format: 'webp' | 'jpg' | 'avif' = 'webp',
) {
  const size = px <= 64 ? 64 : px <= 300 ? 300 : 640;
  return `${apiUrl.replace(/\/$/, '')}/${coverKey}${size}.${format}`;
}

/**
 * Decorative cover art; the title next to it carries the meaning. `art` is the album's cover prefix
 * (coverKey) when real artwork exists; without it, a generated gradient stands in.
 */
export function Cover({
  id,
  size = 48,
  round = false,
  art = null,
}: {
  id: string;
  size?: number;
  round?: boolean;
  art?: string | null;
}) {
  const api = useApiUrl();
  if (art)
    return (
      <img
        className="cover"
        alt=""
        aria-hidden="true"
        data-cover="image"
        src={coverImageUrl(api, art, size)}
        srcSet={`${coverImageUrl(api, art, size)} 1x, ${coverImageUrl(api, art, size * 2)} 2x`}
        width={size}
        height={size}
        loading="lazy"
        decoding="async"
        style={{ width: size, height: size, objectFit: 'cover', borderRadius: round ? '50%' : undefined }}
      />
    );
  return (
    <span
      className="cover"
      aria-hidden="true"
      data-cover="placeholder"
      style={{
        width: size,
        height: size,
        background: coverBackground(id),
        borderRadius: round ? '50%' : undefined,
      }}
    />
  );
}
