// Shared fixtures for the server's integration tests: real services, the standalone server on port
// 0, a small seeded catalog and three people (an admin and two listeners) with real sessions.
import { createServer, type Server } from 'node:http';
import type { ApiDeps, AppRouter } from '@tonearm/api';
import { type SignedInUser, signedInUser } from '@tonearm/api/testing';
import { Album, Artist, Song } from '@tonearm/db';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { pino } from 'pino';
import { createApplication } from '../src/app';

export type Person = SignedInUser;
export type Fixture = {
  svc: TestServices;
  server: Server;
  url: string;
  admin: Person;
  alice: Person;
  bob: Person;
  artistId: string;
  albumId: string;
  songIds: string[];
  close(): Promise<void>;
};

/** A person with a live session (the shared helper, @tonearm/api/testing). */
export function makePerson(svc: TestServices, role: 'user' | 'admin', name: string): Promise<Person> {
  return signedInUser(svc.redis, { role, name });
}

export async function seedCatalog(songs = 5) {
  const artist = await Artist.create({ name: 'Bad Bunny', genres: ['reggaeton'] });
  const album = await Album.create({
    title: 'Un Verano Sin Ti',
    artistId: artist._id,
    artistName: artist.name,
  });
  const docs = await Song.insertMany(
    Array.from({ length: songs }, (_, i) => ({
      title: `Track ${i + 1}`,
      artistId: artist._id,
      artistName: artist.name,
      albumId: album._id,
      albumTitle: album.title,
      trackNumber: i + 1,
      durationSec: 180 + i,
      playCount: 100 - i,
    })),
  );
  return {
    artistId: String(artist._id),
    albumId: String(album._id),
    songIds: docs.map((d) => String(d._id)),
  };
}

export async function startServer(deps: ApiDeps): Promise<{ server: Server; url: string }> {
  const server = createServer();
  createApplication(server, deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

export async function setup(songs = 5): Promise<Fixture> {
  const svc = await startTestServices();
  const catalog = await seedCatalog(songs);
  const { server, url } = await startServer({ cache: svc.cache, redis: svc.redis, log: svc.log });
  const [admin, alice, bob] = await Promise.all([
    makePerson(svc, 'admin', 'admin'),
    makePerson(svc, 'user', 'alice'),
    makePerson(svc, 'user', 'bob'),
  ]);
  return {
    svc,
    server,
    url,
    admin,
    alice,
    bob,
    ...catalog,
    async close() {
      server.closeAllConnections();
      server.close();
      await svc.close();
    },
  };
}

/** A typed client acting as `who` (a Person, an API key header, or anonymous). */
export function client(url: string, who?: Person | { apiKey: string }, batch = false) {
  const headers: Record<string, string> = {};
  if (who && 'cookie' in who) headers.cookie = who.cookie;
  if (who && 'apiKey' in who) headers['x-api-key'] = who.apiKey;
  const link = (batch ? httpBatchLink : httpLink)({ url: `${url}/trpc`, headers });
  return createTRPCClient<AppRouter>({ links: [link] });
}

/** The tRPC error code of a rejected call (or "OK"). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return (e as { data?: { code?: string } }).data?.code ?? String(e);
  }
}

export type LogLine = Record<string, unknown> & { 'log.level'?: string; message?: string };

/** A real pino logger (same formatters as production) that keeps its lines for assertions. */
export function captureLogger() {
  const lines: LogLine[] = [];
  const log = pino(
    { level: 'debug', messageKey: 'message', formatters: { level: (label) => ({ 'log.level': label }) } },
    { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  );
  return { log, lines };
}
