'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { type ReactNode, useState } from 'react';
import { ApiUrlContext } from '../lib/api-url';
import { type AppRouter, TRPCProvider } from '../lib/trpc';

function isClientError(e: unknown): boolean {
  const status = (e as { data?: { httpStatus?: number } })?.data?.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function isRateLimited(e: unknown): boolean {
  return (e as { data?: { httpStatus?: number } })?.data?.httpStatus === 429;
}

function retryAfterSeconds(e: unknown): number | undefined {
  const v = (e as { data?: { details?: { retryAfterSeconds?: unknown } } })?.data?.details?.retryAfterSeconds;
  return typeof v === 'number' && v > 0 ? v : undefined;
}

export function Providers({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // A 4xx (not found, forbidden, bad input) will not change on retry; network blips might.
          // A 429 is retried after the Retry-After the server gave (at most 10 s, three times).
          queries: {
            staleTime: 30_000,
            retry: (count, e) => (isRateLimited(e) ? count < 3 : count < 1 && !isClientError(e)),
            retryDelay: (count, e) =>
              isRateLimited(e)
                ? Math.min(10, retryAfterSeconds(e) ?? 2) * 1000
                : Math.min(1000 * 2 ** count, 8000),
          },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${apiUrl}/trpc`,
          // The server refuses batches of more than 16 calls (apps/server MAX_BATCH_SIZE).
          maxItems: 16,
          fetch: (url, init) => fetch(url, { ...init, credentials: 'include' }),
        }),
      ],
    }),
  );
  return (
    <ApiUrlContext.Provider value={apiUrl}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </ApiUrlContext.Provider>
  );
}
