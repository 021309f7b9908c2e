'use client';
// Pages that belong to a signed-in person: explains what is missing instead of showing an empty page.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useSession } from '../lib/hooks/use-auth';
import type { UserSummary } from '../lib/types';
import { LoadStatus } from './status';

export function RequireSession({
  what,
  children,
}: {
  /** "see your library" */
  what: string;
  children: (user: UserSummary) => ReactNode;
}) {
  const session = useSession();
  if (session.data) return <>{children(session.data)}</>;
  if (session.data === null) {
    return (
      <div className="notice">
        <p style={{ marginTop: 0 }}>Log in to {what}.</p>
        <div style={{ display: 'flex', gap: 10 }}>
          <Link href="/login" className="btn btn-primary">
            Log in
          </Link>
          <Link href="/signup" className="btn">
            Create an account
          </Link>
        </div>
      </div>
    );
  }
  return <LoadStatus state={session} what="your account" />;
}
