'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { describeError } from '../lib/errors';
import { useLogOut } from '../lib/hooks/use-auth';
import { usePlayer } from '../lib/player/player-provider';
import { usePrivateSession } from '../lib/realtime/realtime-provider';
import type { UserSummary } from '../lib/types';
import { Avatar } from './people';

export function AccountMenu({ user }: { user: UserSummary | null }) {
  const logOut = useLogOut();
  const player = usePlayer();
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
      <Link href={`/user/${user.handle}`} className="account-name">
        <Avatar person={user} size={28} />
        <span data-testid="account-name">{user.displayName}</span>
      </Link>
      <Link href="/settings" className="btn hide-phone">
        Settings
      </Link>
      <PrivateSessionButton />
      <button
        type="button"
        className="btn"
        disabled={logOut.isPending}
        onClick={() =>
          logOut.run().then(
            () => {
              // Logging out ends the listening session: no music plays on for the next person.
              player.reset();
              router.push('/');
            },
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
