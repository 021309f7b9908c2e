// The one real ladder behind every ready song of the synthetic catalog (`pnpm seed`): a generated
// tone run through the real pipeline (transcodeLadder → uploadDir → verifyStoredLadder, as the
// transcode job does) into SEED_MEDIA_PREFIX, with its song-media record kept beside it in S3. Built
// once per bucket; later seeds read the record back. The synthetic catalog is for tests and
// benchmarks; scripts/run.sh shows the real demo library instead.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_MEDIA_PREFIX, type SeedMedia } from '@tonearm/db';
import {
  cachedTrack,
  S3Storage,
  songMediaRecord,
  transcodeLadder,
  uploadDir,
  verifyStoredLadder,
} from '@tonearm/media';

const SECONDS = 30;
const RECORD_KEY = `${SEED_MEDIA_PREFIX}seed-media.json`;

export async function ensureSeedMedia(storage = new S3Storage()): Promise<SeedMedia> {
  await storage.ensureBucket();
  const stored = await storage.getBytes(RECORD_KEY);
  if (stored) {
    const media = JSON.parse(stored.toString('utf8')) as SeedMedia;
    if ((await storage.head(`${SEED_MEDIA_PREFIX}master.m3u8`)) && media.record.renditions.length)
      return media;
  }
  const work = await mkdtemp(join(tmpdir(), 'tonearm-seed-media-'));
  try {
    const source = await cachedTrack('seed', { seconds: SECONDS, variant: 7 });
    const out = join(work, 'hls');
    await mkdir(out);
    const ladder = await transcodeLadder(source, out, work);
    await storage.deletePrefix(SEED_MEDIA_PREFIX);
    await uploadDir(storage, out, SEED_MEDIA_PREFIX, () => {});
    await verifyStoredLadder(storage, SEED_MEDIA_PREFIX);
    const media: SeedMedia = {
      hlsPrefix: SEED_MEDIA_PREFIX,
      durationSec: Math.round(ladder.durationSec * 1000) / 1000,
      record: songMediaRecord(ladder) as SeedMedia['record'],
    };
    await storage.putBytes(RECORD_KEY, JSON.stringify(media), 'application/json');
    return media;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
