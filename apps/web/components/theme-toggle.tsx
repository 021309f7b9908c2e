'use client';
import { useEffect, useState } from 'react';
import { applyTheme, readTheme, systemPrefersDark } from '../lib/theme';
import { MoonIcon, SunIcon } from './icons';

/** Flips between light and dark; starts from the system preference until the person chooses. */
export function ThemeToggle() {
  const [isDark, setDark] = useState<boolean | null>(null);
  useEffect(() => {
    const choice = readTheme();
    setDark(choice === 'system' ? systemPrefersDark() : choice === 'dark');
    if (choice !== 'system') return;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => readTheme() === 'system' && setDark(mq.matches);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label="Dark theme"
      aria-pressed={isDark ?? false}
      title={isDark ? 'Switch to light theme' : 'Switch to dark theme'}
      onClick={() => {
        const next = !isDark;
        applyTheme(next ? 'dark' : 'light');
        setDark(next);
      }}
    >
      {isDark ? <MoonIcon /> : <SunIcon />}
    </button>
  );
}
