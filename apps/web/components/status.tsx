'use client';
// Loading and error states of a section, each in one calm line.
import { describeError } from '../lib/errors';
import type { Loadable } from '../lib/hooks/feature';

export function LoadStatus<T>({ state, what }: { state: Loadable<T>; what: string }) {
  if (state.error) {
    return (
      <p className="notice error" role="alert">
        Could not load {what}: {describeError(state.error)}
      </p>
    );
  }
  if (state.isPending) {
    return (
      <p className="muted" aria-live="polite">
        Loading {what}…
      </p>
    );
  }
  return null;
}
