// Accounts: the session (auth.me) and sign up / log in / log out. On success the server sets or
// clears the httpOnly session cookie; everything cached was fetched as someone else, so it is reset.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';
import type { UserSummary } from '../types';
import { type Action, fromMutation, fromQuery, type Loadable } from './feature';

export type SignUpInput = {
  email: string;
  handle: string;
  displayName: string;
  password: string;
  invite?: string;
};
export type LogInInput = { email: string; password: string };

/** The signed-in person, null when signed out. */
export function useSession(): Loadable<UserSummary | null> {
  const trpc = useTRPC();
  return fromQuery(
    useQuery({
      ...trpc.auth.me.queryOptions(),
      select: (u) =>
        u ? { id: u.id, handle: u.handle, displayName: u.displayName, avatarUrl: u.avatarUrl } : null,
    }),
  );
}

function useResetAfter() {
  const qc = useQueryClient();
  return () => qc.resetQueries();
}

export function useSignUp(): Action<SignUpInput, UserSummary> {
  const trpc = useTRPC();
  const reset = useResetAfter();
  return fromMutation(useMutation(trpc.auth.signUp.mutationOptions({ onSuccess: reset })));
}

export function useLogIn(): Action<LogInInput, UserSummary> {
  const trpc = useTRPC();
  const reset = useResetAfter();
  return fromMutation(useMutation(trpc.auth.logIn.mutationOptions({ onSuccess: reset })));
}

export function useLogOut(): Action<void, unknown> {
  const trpc = useTRPC();
  const reset = useResetAfter();
  return fromMutation(useMutation(trpc.auth.logOut.mutationOptions({ onSuccess: reset })));
}
