// The shapes pages read: a Loadable (a query's data, error and pending state) or an Action (a
// mutation), adapted from TanStack Query results so components do not depend on its types.

export type Loadable<T> = {
  data: T | undefined;
  error: Error | null;
  isPending: boolean;
};

export type Action<I, O> = {
  run(input: I): Promise<O>;
  isPending: boolean;
  error: Error | null;
  reset(): void;
};

type QueryLike = { data: unknown; error: unknown; isPending: boolean; isEnabled?: boolean };

/** Adapts a TanStack query result (from `useQuery(trpc.x.y.queryOptions(...))`). */
export function fromQuery<Q extends QueryLike>(q: Q): Loadable<Exclude<Q['data'], undefined>> {
  return {
    data: q.data as Exclude<Q['data'], undefined> | undefined,
    error: q.error ? (q.error instanceof Error ? q.error : new Error(String(q.error))) : null,
    isPending: q.isPending && q.isEnabled !== false,
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
    reset: () => m.reset(),
  };
}
