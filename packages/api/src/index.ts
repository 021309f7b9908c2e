import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './root';

export * from './context';
export { toAppError, toTRPCError } from './errors';
export { logTrpcError } from './log';
export { type AppRouter, appRouter, createCaller } from './root';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
