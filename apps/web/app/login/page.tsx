'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { AuthForm } from '../../components/auth-form';
import { useTRPC } from '../../lib/trpc';
import { usePageTitle } from '../../lib/use-page-title';

const MODE_NOTE = {
  open: 'Anyone can create an account on this server.',
  invite: 'New accounts need an invite link from this server’s admin.',
  closed: 'This server is not taking new accounts.',
} as const;

export default function LoginPage() {
  usePageTitle('Log in');
  const trpc = useTRPC();
  const mode = useQuery(trpc.auth.signUpMode.queryOptions());
  return (
    <div className="auth-card">
      <h1>Log in</h1>
      <AuthForm mode="login" />
      <p className="muted small">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      {mode.data && (
        <p className="muted small" data-testid="signup-mode">
          {MODE_NOTE[mode.data.mode]}
        </p>
      )}
    </div>
  );
}
