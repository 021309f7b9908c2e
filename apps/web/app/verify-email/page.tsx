'use client';
// Opened from the verification mail: spends the token once and says what happened.
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useRef } from 'react';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';

function Verify() {
  const token = useSearchParams().get('token') ?? '';
  const trpc = useTRPC();
  const verify = useMutation(trpc.auth.verifyEmail.mutationOptions());
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    verify.mutate({ token });
  }, [token, verify]);
  return (
    <div className="page-header">
      <div>
        <h1>Email verification</h1>
        {verify.isSuccess && (
          <p className="notice" role="status">
            {verify.data.email} is verified. <Link href="/">Go to Tonearm</Link>
          </p>
        )}
        {verify.isError && (
          <p className="notice error" role="alert">
            {describeError(verify.error)}
          </p>
        )}
        {verify.isPending && <p className="muted">Checking the link…</p>}
      </div>
    </div>
  );
}

export default function VerifyEmailPage() {
  return (
    <Suspense>
      <Verify />
    </Suspense>
  );
}
