'use client';
// Log in and sign up. Field errors from the server (Zod's flattened errors) land beside their field.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { describeError } from '../lib/errors';
import { useLogIn, useSignUp } from '../lib/hooks/use-auth';

type Field = {
  name: string;
  label: string;
  type: string;
  autoComplete: string;
  hint?: string;
  minLength?: number;
};

const LOGIN_FIELDS: Field[] = [
  { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
  { name: 'password', label: 'Password', type: 'password', autoComplete: 'current-password' },
];
const SIGNUP_FIELDS: Field[] = [
  { name: 'displayName', label: 'Name', type: 'text', autoComplete: 'name' },
  {
    name: 'handle',
    label: 'Username',
    type: 'text',
    autoComplete: 'username',
    hint: '3–32 letters, digits or underscores',
    minLength: 3,
  },
  { name: 'email', label: 'Email', type: 'email', autoComplete: 'email' },
  {
    name: 'password',
    label: 'Password',
    type: 'password',
    autoComplete: 'new-password',
    hint: 'At least 8 characters; a few uncommon words together are strong and easy to remember',
    minLength: 8,
  },
];

function fieldErrorsOf(e: unknown): Record<string, string[]> {
  const data = (e as { data?: { fieldErrors?: Record<string, string[]> } })?.data;
  return data?.fieldErrors ?? {};
}

export function AuthForm({ mode, invite }: { mode: 'login' | 'signup'; invite?: string }) {
  const logIn = useLogIn();
  const signUp = useSignUp();
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const fields = mode === 'login' ? LOGIN_FIELDS : SIGNUP_FIELDS;
  const pending = logIn.isPending || signUp.isPending;
  const v = (k: string) => values[k] ?? '';

  return (
    <form
      noValidate={false}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        setFieldErrors({});
        const done =
          mode === 'login'
            ? logIn.run({ email: v('email'), password: v('password') })
            : signUp.run({
                email: v('email'),
                handle: v('handle'),
                displayName: v('displayName'),
                password: v('password'),
                // An admin-issued invite link: /signup?invite=<code> (SIGNUP_MODE=invite).
                ...(invite ? { invite } : {}),
              });
        done.then(
          () => router.push('/'),
          (err) => {
            setFieldErrors(fieldErrorsOf(err));
            setError(describeError(err));
          },
        );
      }}
    >
      {fields.map((f) => {
        const errs = fieldErrors[f.name];
        const describedBy = [f.hint ? `${f.name}-hint` : null, errs ? `${f.name}-error` : null]
          .filter(Boolean)
          .join(' ');
        return (
          <div className="field" key={f.name}>
            <label htmlFor={f.name}>{f.label}</label>
            <input
              id={f.name}
              name={f.name}
              type={f.type}
              className="input"
              autoComplete={f.autoComplete}
              required
              minLength={f.minLength}
              value={v(f.name)}
              aria-invalid={errs ? true : undefined}
              aria-describedby={describedBy || undefined}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setValues((s) => ({ ...s, [f.name]: value }));
              }}
            />
            {f.hint && (
              <span id={`${f.name}-hint`} className="hint">
                {f.hint}
              </span>
            )}
            {errs && (
              <span id={`${f.name}-error`} className="field-error">
                {errs.join(', ')}
              </span>
            )}
          </div>
        );
      })}
      {error && (
        <p className="notice error" role="alert" style={{ margin: 0 }}>
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={pending}>
        {mode === 'login'
          ? pending
            ? 'Logging in…'
            : 'Log in'
          : pending
            ? 'Creating account…'
            : 'Create account'}
      </button>
      <p className="muted" style={{ margin: 0 }}>
        {mode === 'login' ? (
          <>
            New to Tonearm? <Link href="/signup">Create an account</Link>
          </>
        ) : (
          <>
            Already have an account? <Link href="/login">Log in</Link>
          </>
        )}
      </p>
    </form>
  );
}
