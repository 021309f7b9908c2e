'use client';
// Asks for a reset link; the answer never says whether the address has an account.
import { useMutation } from '@tanstack/react-query';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';

export default function ForgotPasswordPage() {
  const trpc = useTRPC();
  const ask = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  return (
    <div className="page-header">
      <div>
        <h1>Forgot your password?</h1>
        {ask.isSuccess ? (
          <p className="notice" role="status">
            If an account uses that address, a reset link is on its way. It works once, within an hour.
          </p>
        ) : (
          <form
            className="settings-form"
            onSubmit={(e) => {
              e.preventDefault();
              ask.mutate({ email: String(new FormData(e.currentTarget).get('email') ?? '') });
            }}
          >
            <label>
              Email <input className="input" type="email" name="email" required autoComplete="email" />
            </label>
            <button type="submit" className="btn btn-primary" disabled={ask.isPending}>
              Send reset link
            </button>
          </form>
        )}
        {ask.isError && (
          <p className="notice error" role="alert">
            {describeError(ask.error)}
          </p>
        )}
      </div>
    </div>
  );
}
