import { discoveryRouter } from './router/discovery';
import { searchRouter } from './router/search';
import { songRouter } from './router/song';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  song: songRouter,
  search: searchRouter,
  discovery: discoveryRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
