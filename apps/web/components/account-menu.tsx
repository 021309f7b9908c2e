'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { describeError } from '../lib/errors';
import { useLogOut } from '../lib/hooks/use-auth';
import { usePrivateSession } from '../lib/realtime/realtime-provider';
import type { UserSummary } from '../lib/types';

export function AccountMenu({ user }: { user: UserSummary | null }) {
  const logOut = useLogOut();
  const router = useRouter();
  if (!user) {
    return (
      <div className="account">
        <Link href="/login" className="btn">
          Log in
        </Link>
        <Link href="/signup" className="btn btn-primary hide-phone">
          Sign up
        </Link>
      </div>
    );
  }
  return (
    <div className="account">
      <Link href="/account" className="account-name" data-testid="account-name">
        {user.displayName}
      </Link>
      <PrivateSessionButton />
      <button
        type="button"
        className="btn"
        disabled={logOut.isPending}
        onClick={() =>
          logOut.run().then(
            () => router.push('/'),
            (e) => alert(describeError(e)),
          )
        }
      >
        Log out
      </button>
    </div>
  );
}

/** Toggles the private session: friends see you offline and your plays are not shared meanwhile. */
function PrivateSessionButton() {
  const session = usePrivateSession();
  if (session.isPrivate === null) return null;
  return (
    <button
      type="button"
      className="btn hide-phone"
      aria-pressed={session.isPrivate}
      title={session.isPrivate ? 'Friends see you offline' : 'Hide your listening from friends'}
      onClick={() => session.setPrivate(!session.isPrivate).catch((e) => alert(describeError(e)))}
    >
      Private session
    </button>
  );
}
