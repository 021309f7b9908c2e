import { playRouter } from './router/plays';
import { queueRouter } from './router/queue';
import { songRouter } from './router/song';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  song: songRouter,
  play: playRouter,
  queue: queueRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
