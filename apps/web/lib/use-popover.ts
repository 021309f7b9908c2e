'use client';
// A button that opens a popover (the quality menu, playback settings): on open, focus goes to the
// checked option; a pointer press outside both closes it; `close()` also returns focus to the button
// (Escape and a choice use it).
import { useEffect, useRef, useState } from 'react';

export function usePopover() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    popRef.current?.querySelector<HTMLInputElement>('input:checked')?.focus();
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!popRef.current?.contains(t) && !buttonRef.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  return { open, setOpen, close, buttonRef, popRef };
}
