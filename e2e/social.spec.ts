// The live friends sidebar: two browser contexts (A listens to what B plays) over the real socket.io
// server, plus two listeners on plain socket.io clients (@tonearm/realtime/client, the player's own
// client, in Node with a session cookie): C, whose activity is private, and D, who blocks A.
// After A's one reload (to load the feed listing the people A just followed), every change must
// reach A's sidebar live, well before the sidebar's fallback poll (2 minutes while connected).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { Artist, connectDb, disconnectDb, Song } from '@tonearm/db';
import { createRealtimeClient, type RealtimeClient } from '@tonearm/realtime/client';
import { newUser, signedIn, type TestUser } from './fixtures';

const serverUrl = `http://127.0.0.1:${Number(process.env.SERVER_PORT ?? 18001)}`;
/** Live updates must land well inside this; the fallback poll would take 120 s. */
const LIVE_MS = 6_000;

let artistPath = '';
let tones: { id: string; title: string }[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // The same five 20 s songs as the playback suite (idempotent: ready songs are skipped).
  execFileSync('pnpm', ['exec', 'tsx', 'scripts/demo-media.ts', '--count', '5', '--seconds', '20'], {
    cwd: join(import.meta.dirname, '..'),
    stdio: 'ignore',
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  await connectDb();
  const artist = await Artist.findOne({ name: 'Tonearm Test Tones' }).lean();
  if (!artist) throw new Error('demo-media made no artist');
  artistPath = `/artist/${String(artist._id)}`;
  const songs = await Song.find({ artistId: artist._id, title: /\(20 s\)$/ })
    .sort({ trackNumber: 1 })
    .lean();
  tones = songs.map((s) => ({ id: String(s._id), title: s.title }));
  await disconnectDb();
  expect(tones).toHaveLength(5);
});

/** Signs up through the API (no browser) and returns the session cookie and the user id. */
async function apiSignUp(user: TestUser): Promise<{ cookie: string; id: string }> {
  const r = await fetch(`${serverUrl}/trpc/auth.signUp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: user.email,
      handle: user.handle,
      displayName: user.displayName,
      password: user.password,
    }),
  });
  expect(r.status).toBe(200);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('tonearm_session='));
  if (!cookie) throw new Error('sign-up set no session cookie');
  return { cookie, id: await userIdOf({ cookie }) };
}

async function trpc(
  auth: { cookie: string } | { page: Page },
  path: string,
  input?: unknown,
): Promise<unknown> {
  const isQuery = input === undefined;
  const url = `${serverUrl}/trpc/${path}`;
  if ('page' in auth) {
    const r = isQuery ? await auth.page.request.get(url) : await auth.page.request.post(url, { data: input });
    expect(r.status(), `${path}: ${await r.text()}`).toBe(200);
    return ((await r.json()) as { result: { data: unknown } }).result.data;
  }
  const r = await fetch(url, {
    method: isQuery ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', cookie: auth.cookie },
    ...(isQuery ? {} : { body: JSON.stringify(input) }),
  });
  expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
  return ((await r.json()) as { result: { data: unknown } }).result.data;
}

async function userIdOf(auth: { cookie: string } | { page: Page }): Promise<string> {
  return ((await trpc(auth, 'auth.me')) as { id: string }).id;
}

/** A listener without a browser: the player's realtime client in Node, streaming a song. */
function botListener(cookie: string): RealtimeClient {
  return createRealtimeClient({ urls: [serverUrl], headers: { cookie }, device: 'bot' });
}
function stream(client: RealtimeClient, songId: string) {
  client.setActivity({
    state: 'streaming',
    songId,
    startedAt: Date.now(),
    positionSec: 0,
    isPaused: false,
    device: 'bot',
  });
}
async function connected(client: RealtimeClient) {
  await expect.poll(() => client.socket.connected, { timeout: 10_000 }).toBe(true);
}

const bar = (page: Page) => page.getByRole('region', { name: 'Now playing' });
const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Friends’ activity' });
const row = (page: Page, name: string) =>
  sidebar(page)
    .getByRole('listitem')
    .filter({ has: page.getByText(name, { exact: true }) });

test('A sees what B plays, pauses and skips to, live; private and blocking listeners stay hidden', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const contexts: BrowserContext[] = [];
  const bots: RealtimeClient[] = [];
  try {
    const ctxA = await browser.newContext();
    const ctxB = await browser.newContext();
    contexts.push(ctxA, ctxB);
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    await signedIn(a, 'Ada');
    const userB = await signedIn(b, 'Bea');
    const idB = await userIdOf({ page: b });

    // C shows their listening to nobody (people.setPrivacy); D will block A.
    const userC = newUser('Cyd');
    const userD = newUser('Dov');
    const c = await apiSignUp(userC);
    const d = await apiSignUp(userD);
    await trpc(c, 'people.setPrivacy', { listeningVisibility: 'nobody' });

    for (const id of [idB, c.id, d.id]) await trpc({ page: a }, 'user.follow', { userId: id });
    await a.reload();
    // B has the player open (online); C and D have not connected yet.
    await expect(row(a, userB.displayName)).toContainText('Online');
    // "Nobody" keeps C out of A's sidebar altogether.
    await expect(row(a, userC.displayName)).toHaveCount(0);
    await expect(row(a, userD.displayName)).toContainText('Offline');

    // B plays the artist's first listed song: A's sidebar shows it without a reload.
    await b.goto(artistPath);
    const list = b.getByTestId('artist-top');
    await expect(list.getByRole('listitem').nth(1)).toBeVisible();
    const [first, second] = (await list.locator('.track-title').allTextContents()).map((t) => t.trim());
    if (!first || !second) throw new Error('the artist page lists fewer than two songs');
    await list
      .getByRole('button', { name: `Play ${first} by`, exact: false })
      .first()
      .click();
    await expect(bar(b).getByRole('button', { name: 'Pause', exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(row(a, userB.displayName)).toContainText(`Playing ${first}`, { timeout: LIVE_MS });

    // B pauses, then resumes and skips to the next song: A follows each change.
    await bar(b).getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(row(a, userB.displayName)).toContainText(`Paused ${first}`, { timeout: LIVE_MS });
    await bar(b).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(row(a, userB.displayName)).toContainText(`Playing ${first}`, { timeout: LIVE_MS });
    await bar(b).getByRole('button', { name: 'Next', exact: true }).click();
    await expect(bar(b).getByTestId('now-playing-title')).toHaveText(second);
    await expect(row(a, userB.displayName)).toContainText(`Playing ${second}`, { timeout: LIVE_MS });
    // Songs nobody else plays in this test: C's, D's, and D's after the block.
    const [songC, songD, songD2] = tones.filter((t) => t.title !== first && t.title !== second);
    if (!songC || !songD || !songD2) throw new Error('not enough test songs');

    // C (private) streams a song, then D streams another: A sees D's, never C's.
    const botC = botListener(c.cookie);
    const botD = botListener(d.cookie);
    bots.push(botC, botD);
    await Promise.all([connected(botC), connected(botD)]);
    stream(botC, songC.id);
    await expect.poll(() => botC.socket.connected).toBe(true);
    stream(botD, songD.id);
    await expect(row(a, userD.displayName)).toContainText(`Playing ${songD.title}`, { timeout: LIVE_MS });
    await expect(row(a, userC.displayName)).toHaveCount(0);
    await expect(sidebar(a)).not.toContainText(songC.title);

    // D blocks A; D's next song never reaches A, though B's later pause does.
    await trpc(d, 'user.block', { userId: await userIdOf({ page: a }) });
    stream(botD, songD2.id);
    await b.waitForTimeout(500);
    await bar(b).getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(row(a, userB.displayName)).toContainText(`Paused ${second}`, { timeout: LIVE_MS });
    await expect(sidebar(a)).not.toContainText(songD2.title);
    await expect(sidebar(a)).not.toContainText(songC.title);

    // A fresh load agrees: B paused, C offline, D gone (the block removed the follow).
    await a.reload();
    await expect(row(a, userB.displayName)).toContainText(`Paused ${second}`);
    await expect(row(a, userC.displayName)).toHaveCount(0);
    await expect(row(a, userD.displayName)).toHaveCount(0);
    await expect(sidebar(a)).not.toContainText(songC.title);

    // B starts a private session from the top bar: A sees B offline at once, and back when it ends.
    const privately = b.getByRole('button', { name: 'Private session' });
    await expect(privately).toHaveAttribute('aria-pressed', 'false');
    await privately.click();
    await expect(privately).toHaveAttribute('aria-pressed', 'true');
    await expect(row(a, userB.displayName)).toContainText('Offline', { timeout: LIVE_MS });
    await expect(sidebar(a)).not.toContainText(second);
    await privately.click();
    await expect(privately).toHaveAttribute('aria-pressed', 'false');
    await expect(row(a, userB.displayName)).toContainText(`Paused ${second}`, { timeout: LIVE_MS });
  } finally {
    for (const bot of bots) bot.close();
    for (const ctx of contexts) await ctx.close();
  }
});
