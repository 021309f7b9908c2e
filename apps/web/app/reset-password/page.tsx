'use client';
// Opened from the password-reset mail: a new password, then sign in again.
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';

function Reset() {
  const token = useSearchParams().get('token') ?? '';
  const trpc = useTRPC();
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  return (
    <div className="page-header">
      <div>
        <h1>Choose a new password</h1>
        {reset.isSuccess ? (
          <p className="notice" role="status">
            Your password is changed and every session was signed out. <Link href="/login">Log in</Link>
          </p>
        ) : (
          <form
            className="settings-form"
            onSubmit={(e) => {
              e.preventDefault();
              reset.mutate({ token, password: String(new FormData(e.currentTarget).get('password') ?? '') });
            }}
          >
            <label>
              New password{' '}
              <input
                className="input"
                type="password"
                name="password"
                minLength={8}
                required
                autoComplete="new-password"
              />
            </label>
            <button type="submit" className="btn btn-primary" disabled={reset.isPending}>
              Set password
            </button>
          </form>
        )}
        {reset.isError && (
          <p className="notice error" role="alert">
            {describeError(reset.error)} <Link href="/forgot-password">Ask for a new link</Link>
          </p>
        )}
      </div>
    </div>
  );
}

export default function ResetPasswordPage() {
  return (
    <Suspense>
      <Reset />
    </Suspense>
  );
}
