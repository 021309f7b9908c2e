// Accounts: the session (auth.me) and sign up / log in / log out (issue 3). On success the server
// sets the httpOnly session cookie; the hooks then refetch everything that depends on who is asking.
import type { UserSummary } from '../types';
import { type Action, type Loadable, unavailable, unavailableAction } from './feature';

export type SignUpInput = { email: string; handle: string; displayName: string; password: string };
export type LogInInput = { email: string; password: string };

/** The signed-in person, null when signed out. */
export function useSession(): Loadable<UserSummary | null> {
  return unavailable('Accounts');
}

export function useSignUp(): Action<SignUpInput, UserSummary> {
  return unavailableAction('Accounts');
}

export function useLogIn(): Action<LogInInput, UserSummary> {
  return unavailableAction('Accounts');
}

export function useLogOut(): Action<void, void> {
  return unavailableAction('Accounts');
}
