'use client';
// Account settings (issue 17): profile, avatar, who sees my listening, follow requests, email
// (re-verified), password, other sessions, API keys, and deleting the account.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Avatar, PersonRow } from '../../components/people';
import { RequireSession } from '../../components/require-session';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import { usePageTitle } from '../../lib/use-page-title';

type Visibility = 'everyone' | 'approved' | 'nobody';
const CHOICES: { value: Visibility; label: string; help: string }[] = [
  { value: 'everyone', label: 'Everyone', help: 'Anyone can follow you and see what you play.' },
  {
    value: 'approved',
    label: 'People I approve',
    help: 'Follows need your OK; only approved followers see your listening.',
  },
  { value: 'nobody', label: 'Nobody', help: 'Nobody sees what you play; you vanish from friends’ sidebars.' },
];

function useForm() {
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  return {
    msg,
    ok: (text: string) => setMsg({ ok: true, text }),
    fail: (e: unknown) => setMsg({ ok: false, text: describeError(e) }),
    node: msg && (
      <p className={msg.ok ? 'notice' : 'notice error'} role={msg.ok ? 'status' : 'alert'}>
        {msg.text}
      </p>
    ),
  };
}
const field = (e: FormEvent<HTMLFormElement>, name: string) =>
  String(new FormData(e.currentTarget).get(name) ?? '');

function Privacy() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const privacy = useQuery(trpc.people.privacy.queryOptions());
  const f = useForm();
  const set = useMutation(
    trpc.people.setPrivacy.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries(trpc.people.pathFilter());
        void qc.invalidateQueries(trpc.auth.me.pathFilter());
        f.ok('Saved');
      },
      onError: f.fail,
    }),
  );
  const current = privacy.data?.listeningVisibility;
  return (
    <section className="section" aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">Who can see my listening</h2>
      <fieldset className="settings-form" disabled={!privacy.data || set.isPending}>
        <legend className="visually-hidden">Who can see my listening</legend>
        {CHOICES.map((c) => (
          <label key={c.value}>
            <input
              type="radio"
              name="visibility"
              value={c.value}
              checked={current === c.value}
              onChange={() => set.mutate({ listeningVisibility: c.value })}
            />{' '}
            <strong>{c.label}</strong> <span className="muted small">{c.help}</span>
          </label>
        ))}
      </fieldset>
      {f.node}
    </section>
  );
}

function Requests() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const reqs = useQuery({ ...trpc.people.requests.queryOptions(), refetchInterval: 15_000 });
  const done = {
    onSuccess: () => void qc.invalidateQueries(trpc.people.pathFilter()),
    onError: (e: unknown) => alert(describeError(e)),
  };
  const accept = useMutation(trpc.people.acceptRequest.mutationOptions(done));
  const decline = useMutation(trpc.people.declineRequest.mutationOptions(done));
  if (!reqs.data || reqs.data.length === 0) return null;
  return (
    <section className="section" aria-labelledby="requests-heading">
      <h2 id="requests-heading">Follow requests</h2>
      <ul className="people" data-testid="follow-requests">
        {reqs.data.map((r) => (
          <PersonRow key={r.id} person={r.from}>
            <button
              type="button"
              className="btn btn-primary"
              aria-label={`Accept ${r.from.displayName}`}
              onClick={() => accept.mutate({ requestId: r.id })}
            >
              Accept
            </button>
            <button
              type="button"
              className="btn"
              aria-label={`Decline ${r.from.displayName}`}
              onClick={() => decline.mutate({ requestId: r.id })}
            >
              Decline
            </button>
          </PersonRow>
        ))}
      </ul>
    </section>
  );
}

function Profile() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const f = useForm();
  const save = useMutation(
    trpc.account.updateProfile.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries();
        f.ok('Profile saved');
      },
      onError: f.fail,
    }),
  );
  const upload = useMutation(trpc.account.avatarUpload.mutationOptions());
  const uploaded = useMutation(trpc.account.avatarUploaded.mutationOptions());
  if (!me.data) return null;
  const u = me.data;
  async function onAvatar(file: File) {
    try {
      const type = file.type as 'image/jpeg' | 'image/png' | 'image/webp';
      const { key, url, headers } = await upload.mutateAsync({ contentType: type, bytes: file.size });
      const put = await fetch(url, { method: 'PUT', body: file, headers });
      if (!put.ok) throw new Error(`Upload failed (${put.status})`);
      await uploaded.mutateAsync({ key });
      f.ok('Avatar uploaded; it appears once resized');
      // The image job resizes it in a moment: look again until the new avatar is there (~20 s).
      const before = u.avatarUrl;
      for (let i = 0; i < 40; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const next = await me.refetch();
        if (next.data && next.data.avatarUrl !== before) {
          void qc.invalidateQueries();
          f.ok('Avatar updated');
          return;
        }
      }
    } catch (e) {
      f.fail(e);
    }
  }
  return (
    <section className="section" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <div className="profile-head">
        <Avatar person={u} size={64} />
        <label className="btn">
          Upload avatar
          <input
            type="file"
            accept="image/jpeg,image/png,image/webp"
            className="visually-hidden"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void onAvatar(file);
            }}
          />
        </label>
        <Link href={`/user/${u.handle}`}>View my profile</Link>
      </div>
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ displayName: field(e, 'displayName'), handle: field(e, 'handle') });
        }}
      >
        <label>
          Display name{' '}
          <input className="input" name="displayName" defaultValue={u.displayName} required maxLength={80} />
        </label>
        <label>
          Handle{' '}
          <input
            className="input"
            name="handle"
            defaultValue={u.handle}
            required
            pattern="[A-Za-z0-9_]{3,32}"
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          Save profile
        </button>
      </form>
      {f.node}
    </section>
  );
}

function Email() {
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

function Security() {
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

function DangerZone() {
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
