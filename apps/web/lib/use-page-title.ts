import { useEffect } from 'react';

/** Sets the document title of a client page ("Jóga · Tonearm"); screen readers announce it on navigation. */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} · Tonearm`;
  }, [title]);
}
