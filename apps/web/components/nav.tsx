'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { useMyPlaylists } from '../lib/hooks/use-playlists';
import { HomeIcon, LibraryIcon, PlaylistIcon, SearchIcon, UploadIcon } from './icons';

const LINKS: { href: string; label: string; icon: ReactNode }[] = [
  { href: '/', label: 'Home', icon: <HomeIcon /> },
  { href: '/search', label: 'Search', icon: <SearchIcon /> },
  { href: '/library', label: 'Library', icon: <LibraryIcon /> },
  { href: '/playlists', label: 'Playlists', icon: <PlaylistIcon /> },
  { href: '/upload', label: 'Upload', icon: <UploadIcon /> },
];

function isCurrent(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function Brand() {
  return (
    <Link href="/" className="brand" aria-label="Tonearm home">
      <span className="brand-mark" aria-hidden="true" />
      <span aria-hidden="true">Tonearm</span>
    </Link>
  );
}

export function Nav({ isSignedIn }: { isSignedIn: boolean }) {
  const pathname = usePathname() ?? '/';
  const playlists = useMyPlaylists(isSignedIn);
  return (
    <nav className="nav" aria-label="Main">
      <Brand />
      <ul>
        {LINKS.map((l) => (
          <li key={l.href}>
            <Link
              href={l.href}
              className="nav-link"
              aria-current={isCurrent(pathname, l.href) ? 'page' : undefined}
            >
              {l.icon}
              <span>{l.label}</span>
            </Link>
          </li>
        ))}
      </ul>
      {isSignedIn && playlists.data && playlists.data.length > 0 && (
        <>
          <h2 className="nav-section" id="nav-playlists">
            Your playlists
          </h2>
          <ul className="nav-playlists" aria-labelledby="nav-playlists">
            {playlists.data.map((p) => (
              <li key={p.id}>
                <Link
                  href={`/playlists/${p.id}`}
                  aria-current={pathname === `/playlists/${p.id}` ? 'page' : undefined}
                >
                  {p.name}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </nav>
  );
}
