'use client';
// Sign up. How accounts are made here (SIGNUP_MODE: open, invite-only or closed) is said up front;
// an admin-issued invite link (/signup?invite=<code>) keeps its code on this page and sends it with
// the sign-up.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { AuthForm } from '../../components/auth-form';
import { useTRPC } from '../../lib/trpc';
import { usePageTitle } from '../../lib/use-page-title';

function Signup() {
  const invite = useSearchParams().get('invite')?.trim() || undefined;
  const trpc = useTRPC();
  const mode = useQuery(trpc.auth.signUpMode.queryOptions()).data?.mode;
  return (
    <>
      {invite && mode !== 'closed' && (
        <p className="notice" data-testid="invite-note">
          You were invited to this server: create your account below.
        </p>
      )}
      {!invite && mode === 'invite' && (
        <p className="notice" data-testid="signup-mode">
          New accounts on this server need an invite link from its admin. Ask them for one, then open it.
        </p>
      )}
      {mode === 'closed' && (
        <p className="notice" data-testid="signup-mode">
          This server is not taking new accounts. <Link href="/login">Log in</Link>
        </p>
      )}
      <AuthForm mode="signup" invite={invite} />
    </>
  );
}

export default function SignupPage() {
  usePageTitle('Sign up');
  return (
    <div className="auth-card">
      <h1>Create your account</h1>
      <Suspense>
        <Signup />
      </Suspense>
    </div>
  );
}
