import { socialRouter } from './router/social';
import { songRouter } from './router/song';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  song: songRouter,
  social: socialRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
