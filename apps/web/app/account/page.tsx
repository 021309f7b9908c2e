'use client';
// Account: the app password Subsonic apps (phones, desktops, cars) sign in with.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { RequireSession } from '../../components/require-session';
import { useApiUrl } from '../../lib/api-url';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import { usePageTitle } from '../../lib/use-page-title';

function SubsonicApps() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const status = useQuery(trpc.subsonic.appPasswordStatus.queryOptions());
  const onSuccess = () => qc.invalidateQueries({ queryKey: trpc.subsonic.pathKey() });
  const create = useMutation(trpc.subsonic.createAppPassword.mutationOptions({ onSuccess }));
  const revoke = useMutation(trpc.subsonic.revokeAppPassword.mutationOptions({ onSuccess }));
  const [shown, setShown] = useState<string | null>(null);
  const server = useApiUrl();
  return (
    <section aria-labelledby="subsonic-title" data-testid="subsonic-apps">
      <h2 id="subsonic-title">Subsonic apps</h2>
      <p>
        Apps such as Symfonium, DSub, Amperfy or Feishin connect with your handle and an app password (never
        your account password)
        {server ? (
          <>
            {' '}
            to <code>{server}</code>
          </>
        ) : null}
        .
      </p>
      {status.data && (
        <p data-testid="subsonic-status">
          {status.data.exists
            ? `App password created ${new Date(status.data.createdAt ?? 0).toLocaleString()}${status.data.lastUsedAt ? `, last used ${new Date(status.data.lastUsedAt).toLocaleString()}` : ', not used yet'}.`
            : 'No app password yet.'}
        </p>
      )}
      {shown && (
        <p className="notice" role="status">
          Your new app password (shown once): <code data-testid="subsonic-password">{shown}</code>
        </p>
      )}
      <div className="section-head">
        <button
          type="button"
          className="btn btn-primary"
          disabled={create.isPending}
          onClick={() =>
            create.mutateAsync().then(
              (r) => setShown(r.password),
              (e) => alert(describeError(e)),
            )
          }
        >
          {status.data?.exists ? 'Replace app password' : 'Create app password'}
        </button>
        {status.data?.exists && (
          <button
            type="button"
            className="btn"
            disabled={revoke.isPending}
            onClick={() =>
              revoke.mutateAsync().then(
                () => setShown(null),
                (e) => alert(describeError(e)),
              )
            }
          >
            Revoke
          </button>
        )}
      </div>
    </section>
  );
}

export default function AccountPage() {
  usePageTitle('Account');
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Account</p>
          <h1>Your account</h1>
        </div>
      </div>
      <RequireSession what="manage your account">{() => <SubsonicApps />}</RequireSession>
    </>
  );
}
