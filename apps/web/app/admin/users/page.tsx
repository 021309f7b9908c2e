'use client';
// Admin users page (issue 17): list and search accounts, disable, promote, mail a password reset,
// and issue invite links (SIGNUP_MODE=invite).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../../../lib/errors';
import { useTRPC } from '../../../lib/trpc';
import { usePageTitle } from '../../../lib/use-page-title';

export default function AdminUsersPage() {
  usePageTitle('Users');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const users = useQuery({
    ...trpc.admin.users.queryOptions(q.trim() ? { q: q.trim(), limit: 50 } : { limit: 50 }),
    retry: false,
  });
  const [note, setNote] = useState<string | null>(null);
  const done = (text: string) => ({
    onSuccess: () => {
      setNote(text);
      void qc.invalidateQueries(trpc.admin.pathFilter());
    },
    onError: (e: unknown) => setNote(describeError(e)),
  });
  const disable = useMutation(trpc.admin.setDisabled.mutationOptions(done('Saved')));
  const promote = useMutation(trpc.admin.promote.mutationOptions(done('Promoted')));
  const reset = useMutation(trpc.admin.sendPasswordReset.mutationOptions(done('Reset link mailed')));
  const invite = useMutation(
    trpc.admin.createInvite.mutationOptions({
      onSuccess: (i) => setNote(`Invite link (shown once): ${i.link}`),
      onError: (e) => setNote(describeError(e)),
    }),
  );
  if (users.error) return <p className="notice error">{describeError(users.error)}</p>;
  return (
    <>
      <div className="page-header">
        <h1>Users</h1>
        <button type="button" className="btn" onClick={() => invite.mutate({ note: '', days: 7 })}>
          New invite link
        </button>
      </div>
      <label>
        Search users{' '}
        <input className="input" type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
      </label>
      {note && (
        <p className="notice" role="status">
          {note}
        </p>
      )}
      <table className="section" style={{ width: '100%' }}>
        <thead>
          <tr>
            <th align="left">Person</th>
            <th align="left">Email</th>
            <th align="left">Role</th>
            <th align="left">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((u) => (
            <tr key={u.id}>
              <td>
                {u.displayName} <span className="muted">@{u.handle}</span>
              </td>
              <td>
                {u.email} {u.emailVerified ? '' : <span className="muted">(unverified)</span>}
              </td>
              <td>
                {u.role}
                {u.disabled ? ' · disabled' : ''}
              </td>
              <td className="profile-actions">
                <button
                  type="button"
                  className="btn"
                  onClick={() => disable.mutate({ userId: u.id, disabled: !u.disabled })}
                >
                  {u.disabled ? 'Enable' : 'Disable'}
                </button>
                {u.role !== 'admin' && (
                  <button type="button" className="btn" onClick={() => promote.mutate({ userId: u.id })}>
                    Make admin
                  </button>
                )}
                <button type="button" className="btn" onClick={() => reset.mutate({ userId: u.id })}>
                  Email reset link
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
