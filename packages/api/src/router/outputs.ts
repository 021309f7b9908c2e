// Output schemas shared by several routers and used by the API alone. A procedure's `.output()` is
// the contract clients compile against; every shape core returns (songs, albums, artists, playlists,
// users, profiles, API keys, import runs) lives in @tonearm/validators, where core's types come from.
import { z } from 'zod';

export const ZDeletedOutput = z.object({ id: z.string() });
