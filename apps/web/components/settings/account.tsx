'use client';
// Settings: email (re-verified), password, other sessions, API keys, and deleting the account.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../../lib/trpc';
import { field, useForm } from './form';

export function Email() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const f = useForm();
  const change = useMutation(
    trpc.account.changeEmail.mutationOptions({
      onSuccess: (r) => f.ok(`We sent a link to ${r.pendingEmail}; your address changes when you open it.`),
      onError: f.fail,
    }),
  );
  const resend = useMutation(
    trpc.auth.resendVerification.mutationOptions({
      onSuccess: () => f.ok('Verification link sent'),
      onError: f.fail,
    }),
  );
  if (!me.data) return null;
  return (
    <section className="section" aria-labelledby="email-heading">
      <h2 id="email-heading">Email</h2>
      <p>
        {me.data.email} · {me.data.emailVerified ? 'verified' : 'not verified '}
        {!me.data.emailVerified && (
          <button type="button" className="btn" onClick={() => resend.mutate()}>
            Send the link again
          </button>
        )}
      </p>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate({ email: field(e, 'email'), password: field(e, 'password') });
        }}
      >
        <label>
          New address <input className="input" type="email" name="email" required />
        </label>
        <label>
          Current password{' '}
          <input className="input" type="password" name="password" required autoComplete="current-password" />
        </label>
        <button type="submit" className="btn">
          Change email
        </button>
      </form>
      {f.node}
    </section>
  );
}

export function Security() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const f = useForm();
  const pw = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: (r) => f.ok(`Password changed; ${r.signedOut} other sessions signed out`),
      onError: f.fail,
    }),
  );
  const others = useMutation(
    trpc.account.signOutOthers.mutationOptions({
      onSuccess: (r) => f.ok(`${r.signedOut} other sessions signed out`),
      onError: f.fail,
    }),
  );
  const keys = useQuery(trpc.apiKey.list.queryOptions({ limit: 50 }));
  const revoke = useMutation(
    trpc.apiKey.revoke.mutationOptions({
      onSuccess: () => void qc.invalidateQueries(trpc.apiKey.pathFilter()),
      onError: f.fail,
    }),
  );
  return (
    <section className="section" aria-labelledby="security-heading">
      <h2 id="security-heading">Password and sessions</h2>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          pw.mutate({ currentPassword: field(e, 'current'), newPassword: field(e, 'next') });
        }}
      >
        <label>
          Current password{' '}
          <input className="input" type="password" name="current" required autoComplete="current-password" />
        </label>
        <label>
          New password{' '}
          <input
            className="input"
            type="password"
            name="next"
            required
            minLength={8}
            autoComplete="new-password"
          />
        </label>
        <button type="submit" className="btn">
          Change password
        </button>
      </form>
      <p>
        <button type="button" className="btn" onClick={() => others.mutate()}>
          Sign out of all other sessions
        </button>
      </p>
      <h3>API keys</h3>
      {keys.data && keys.data.items.length === 0 && <p className="muted">No API keys.</p>}
      <ul className="people">
        {keys.data?.items.map((k) => (
          <li key={k.id} className="person">
            <span className="person-name">
              {k.name}{' '}
              <span className="muted">
                ta_{k.prefix}_… · {k.scopes.join(', ') || 'no scopes'}
              </span>
            </span>
            {k.revokedAt ? (
              <span className="muted">revoked</span>
            ) : (
              <button type="button" className="btn" onClick={() => revoke.mutate({ id: k.id })}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      {f.node}
    </section>
  );
}

export function DangerZone() {
  const trpc = useTRPC();
  const router = useRouter();
  const qc = useQueryClient();
  const f = useForm();
  const del = useMutation(
    trpc.account.delete.mutationOptions({
      onSuccess: () => {
        void qc.resetQueries();
        router.push('/');
      },
      onError: f.fail,
    }),
  );
  return (
    <section className="section" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete account</h2>
      <p className="muted">
        Removes your account and everything it owns: uploads and their audio, play history, playlists, likes
        and follows. This cannot be undone.
      </p>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          del.mutate({ password: field(e, 'password'), confirmHandle: field(e, 'handle') });
        }}
      >
        <label>
          Type your handle to confirm <input className="input" name="handle" required autoComplete="off" />
        </label>
        <label>
          Password{' '}
          <input className="input" type="password" name="password" required autoComplete="current-password" />
        </label>
        <button type="submit" className="btn btn-danger" disabled={del.isPending}>
          Delete my account
        </button>
      </form>
      {f.node}
    </section>
  );
}
