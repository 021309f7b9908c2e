// The player's typed tRPC client. Only the AppRouter *type* crosses from the API package.
import type { AppRouter } from '@tonearm/api';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
export type { AppRouter };
