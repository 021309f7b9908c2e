import { coverBackground } from '../lib/cover';

/** Decorative cover art; the title next to it carries the meaning. */
export function Cover({ id, size = 48, round = false }: { id: string; size?: number; round?: boolean }) {
  return (
    <span
      className="cover"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        background: coverBackground(id),
        borderRadius: round ? '50%' : undefined,
      }}
    />
  );
}
