import { playbackRouter } from './router/playback';
import { songRouter } from './router/song';
import { uploadRouter } from './router/upload';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  song: songRouter,
  upload: uploadRouter,
  playback: playbackRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
