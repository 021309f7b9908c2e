'use client';
// The API server's URL as browsers reach it (PUBLIC_SERVER_URL, read by the root layout at request
// time): tRPC and the socket.io connection both go there.
import { createContext, useContext } from 'react';

export const ApiUrlContext = createContext<string | null>(null);

export function useApiUrl(): string {
  const url = useContext(ApiUrlContext);
  if (!url) throw new Error('useApiUrl must be used inside <Providers>');
  return url;
}
