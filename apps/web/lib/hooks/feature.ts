// The boundary between the UI and procedures that have not reached the router yet. Each feature
// hook returns a Loadable (or an Action); while its procedure is missing, the hook returns
// `unavailable(...)` and the page says so calmly. Wiring a procedure is a change inside one hook.

/** Thrown or returned when the server does not offer a feature yet. */
export class FeatureUnavailableError extends Error {
  readonly feature: string;
  constructor(feature: string) {
    super(`${feature} isn't available on this server yet.`);
    this.name = 'FeatureUnavailableError';
    this.feature = feature;
  }
}

export type Loadable<T> = {
  data: T | undefined;
  error: Error | null;
  isPending: boolean;
  /** True while the procedure behind this data does not exist on the server. */
  isUnavailable: boolean;
};

export type Action<I, O> = {
  run(input: I): Promise<O>;
  isPending: boolean;
  error: Error | null;
  isUnavailable: boolean;
  reset(): void;
};

export function unavailable<T>(feature: string): Loadable<T> {
  return {
    data: undefined,
    error: new FeatureUnavailableError(feature),
    isPending: false,
    isUnavailable: true,
  };
}

export function unavailableAction<I, O>(feature: string): Action<I, O> {
  return {
    run: () => Promise.reject(new FeatureUnavailableError(feature)),
    isPending: false,
    error: null,
    isUnavailable: true,
    reset() {},
  };
}

type QueryLike = { data: unknown; error: unknown; isPending: boolean; isEnabled?: boolean };

/** Adapts a TanStack query result (from `useQuery(trpc.x.y.queryOptions(...))`). */
export function fromQuery<Q extends QueryLike>(q: Q): Loadable<Exclude<Q['data'], undefined>> {
  return {
    data: q.data as Exclude<Q['data'], undefined> | undefined,
    error: q.error ? (q.error instanceof Error ? q.error : new Error(String(q.error))) : null,
    isPending: q.isPending && q.isEnabled !== false,
    isUnavailable: false,
  };
}

type MutationLike<I, O> = {
  mutateAsync(input: I): Promise<O>;
  isPending: boolean;
  error: unknown;
  reset(): void;
};

/** Adapts a TanStack mutation (from `useMutation(trpc.x.y.mutationOptions())`). */
export function fromMutation<I, O>(m: MutationLike<I, O>): Action<I, O> {
  return {
    run: (input) => m.mutateAsync(input),
    isPending: m.isPending,
    error: m.error ? (m.error instanceof Error ? m.error : new Error(String(m.error))) : null,
    isUnavailable: false,
    reset: () => m.reset(),
  };
}
