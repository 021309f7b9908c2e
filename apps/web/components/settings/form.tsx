'use client';
// The settings sections' shared form bits: one status line per section and a named field's value.
import { type FormEvent, useState } from 'react';
import { describeError } from '../../lib/errors';

export function useForm() {
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
export const field = (e: FormEvent<HTMLFormElement>, name: string) =>
  String(new FormData(e.currentTarget).get(name) ?? '');
