import { albumRouter } from './router/album';
import { apiKeyRouter } from './router/api-key';
import { artistRouter } from './router/artist';
import { authRouter } from './router/auth';
import { libraryRouter } from './router/library';
import { playlistRouter } from './router/playlist';
import { discoveryRouter } from './router/discovery';
import { searchRouter } from './router/search';
import { socialRouter } from './router/social';
import { playRouter } from './router/plays';
import { queueRouter } from './router/queue';
import { songRouter } from './router/song';
import { userRouter } from './router/user';
import { playbackRouter } from './router/playback';
import { uploadRouter } from './router/upload';
import { peopleRouter } from './router/people';
import { accountRouter } from './router/account';
import { adminRouter } from './router/admin';
import { subsonicRouter } from './router/subsonic';
import { importsRouter } from './router/imports';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  apiKey: apiKeyRouter,
  artist: artistRouter,
  album: albumRouter,
  song: songRouter,
  playlist: playlistRouter,
  library: libraryRouter,
  user: userRouter,
  search: searchRouter,
  upload: uploadRouter,
  playback: playbackRouter,
  social: socialRouter,
  play: playRouter,
  queue: queueRouter,
  discovery: discoveryRouter,
  people: peopleRouter,
  account: accountRouter,
  admin: adminRouter,
  subsonic: subsonicRouter,
  imports: importsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
