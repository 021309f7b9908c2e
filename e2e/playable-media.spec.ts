// The seeded catalog keeps its promise: every song it marks ready (and every other ready song in the
// test database) has a master playlist whose variants, init segments and first segments the edge
// serves, signed through playback.start like the player's own requests.
import { expect, test } from '@playwright/test';
import { checkEveryPlayableSong, signUpByApi } from './lib/playable';

const serverUrl = `http://127.0.0.1:${Number(process.env.SERVER_PORT ?? 18001)}`;

test('every song marked playable is served by the edge', async () => {
  test.setTimeout(120_000);
  const cookie = await signUpByApi(serverUrl, 'mediacheck');
  const report = await checkEveryPlayableSong(serverUrl, cookie);
  console.log(
    `[playable] ${report.readySongs} ready songs over ${report.prefixes} ladders, ${report.objectsFetched} objects fetched`,
  );
  expect(report.readySongs).toBeGreaterThan(100);
  expect(report.problems).toEqual([]);
});
