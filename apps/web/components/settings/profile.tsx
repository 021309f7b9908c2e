'use client';
// Settings: display name, handle and avatar.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '../../lib/trpc';
import { Avatar } from '../people';
import { field, useForm } from './form';

export function Profile() {
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
