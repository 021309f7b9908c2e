'use client';
// Account settings (issue 17): profile, avatar, who sees my listening, follow requests, email
// (re-verified), password, other sessions, API keys, and deleting the account.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { RequireSession } from '../../components/require-session';
import { DangerZone, Email, Security } from '../../components/settings/account';
import { Privacy, Requests } from '../../components/settings/privacy';
import { Profile } from '../../components/settings/profile';
import { useTRPC } from '../../lib/trpc';
import { usePageTitle } from '../../lib/use-page-title';

export default function SettingsPage() {
  usePageTitle('Settings');
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  return (
    <RequireSession what="change your settings">
      {() => (
        <>
          <div className="page-header">
            <h1>Settings</h1>
            <Link href="/account" className="btn">
              Subsonic apps
            </Link>
            {me.data?.role === 'admin' && (
              <Link href="/admin/users" className="btn">
                Admin: users
              </Link>
            )}
            {me.data?.role === 'admin' && (
              <Link href="/admin/imports" className="btn">
                Admin: imports
              </Link>
            )}
          </div>
          <Privacy />
          <Requests />
          <Profile />
          <Email />
          <Security />
          <DangerZone />
        </>
      )}
    </RequireSession>
  );
}
