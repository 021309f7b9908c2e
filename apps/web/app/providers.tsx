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

export function Providers({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // A 4xx (not found, forbidden, bad input) will not change on retry; network blips might.
          queries: { staleTime: 30_000, retry: (count, e) => count < 1 && !isClientError(e) },
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
