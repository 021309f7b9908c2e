import { accountRouter } from './router/account';
import { adminRouter } from './router/admin';
import { albumRouter } from './router/album';
import { apiKeyRouter } from './router/api-key';
import { artistRouter } from './router/artist';
import { authRouter } from './router/auth';
import { discoveryRouter } from './router/discovery';
import { importsRouter } from './router/imports';
import { libraryRouter } from './router/library';
import { peopleRouter } from './router/people';
import { playbackRouter } from './router/playback';
import { playlistRouter } from './router/playlist';
import { playRouter } from './router/plays';
import { queueRouter } from './router/queue';
import { searchRouter } from './router/search';
import { socialRouter } from './router/social';
import { songRouter } from './router/song';
import { subsonicRouter } from './router/subsonic';
import { uploadRouter } from './router/upload';
import { userRouter } from './router/user';
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
