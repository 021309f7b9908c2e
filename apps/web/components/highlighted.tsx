import type { Highlight } from '../lib/types';

/** Text with the matched spans wrapped in <mark>. */
export function Highlighted({ text, spans }: { text: string; spans: Highlight[] }) {
  if (spans.length === 0) return <>{text}</>;
  const parts = [];
  let at = 0;
  for (const [i, s] of [...spans].sort((a, b) => a.start - b.start).entries()) {
    const start = Math.max(at, s.start);
    const end = Math.min(text.length, s.end);
    if (start >= end) continue;
    if (start > at) parts.push(<span key={`t${i}`}>{text.slice(at, start)}</span>);
    parts.push(<mark key={`m${i}`}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(<span key="rest">{text.slice(at)}</span>);
  return <>{parts}</>;
}
