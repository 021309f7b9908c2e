'use client';
// The frame around every page: navigation, the top bar (theme, shortcuts, account), the page, the
// friends sidebar, and the persistent player, which lives here so it survives navigation. The
// real-time connection (friends' presence, this tab's heartbeats) lives here for the same reason.
import type { ReactNode } from 'react';
import { useSession } from '../lib/hooks/use-auth';
import { usePlaybackSourceResolver } from '../lib/hooks/use-playback';
import { PlayerProvider } from '../lib/player/player-provider';
import { RealtimeProvider } from '../lib/realtime/realtime-provider';
import type { UserSummary } from '../lib/types';
import { AccountMenu } from './account-menu';
import { FriendsSidebar, useHasFriendsSidebar } from './friends-sidebar';
import { KeyboardShortcuts, ShortcutsButton } from './keyboard-shortcuts';
import { ListeningReporter } from './listening-reporter';
import { Brand, Nav } from './nav';
import { NowPlayingBar } from './now-playing-bar';
import { QueueDrawer } from './queue-drawer';
import { ThemeToggle } from './theme-toggle';

export function AppShell({ children }: { children: ReactNode }) {
  const resolver = usePlaybackSourceResolver();
  const session = useSession();
  const user = session.data ?? null;
  return (
    <PlayerProvider resolver={resolver}>
      <RealtimeProvider userId={user?.id ?? null}>
        <ListeningReporter isSignedIn={user !== null} />
        {/* The signed-out view only when the server said "no session": a failed or rate-limited
            read of the session (session.data undefined) never shows someone as signed out. */}
        <Shell user={user} isSessionPending={session.isPending || session.data === undefined}>
          {children}
        </Shell>
      </RealtimeProvider>
    </PlayerProvider>
  );
}

function Shell({
  user,
  isSessionPending,
  children,
}: {
  user: UserSummary | null;
  isSessionPending: boolean;
  children: ReactNode;
}) {
  const withFriends = useHasFriendsSidebar(user !== null);
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <div className={withFriends ? 'shell with-friends' : 'shell'}>
        <Nav isSignedIn={user !== null} />
        <div className="main">
          <header className="topbar">
            <Brand />
            <span className="topbar-spacer" />
            <ThemeToggle />
            <ShortcutsButton />
            {!isSessionPending && <AccountMenu user={user} />}
          </header>
          <main id="main" tabIndex={-1} className="content">
            {children}
          </main>
        </div>
        {withFriends && <FriendsSidebar />}
        <NowPlayingBar />
      </div>
      <QueueDrawer />
      <KeyboardShortcuts />
    </>
  );
}
