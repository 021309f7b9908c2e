// The MongoDB stand-in's persistent backend (H2 file, what scripts/run.sh uses) beside its in-memory
// backend (what the test suite uses), both started here by the same launcher in the same run.
// Rows: uncached read (findById lean of a song), write (insertOne), counter update ($inc), and the
// cached read path (cache-aside hit over Redis, whose loader would hit that backend).
// Targets (issue 16): the cached read path unchanged; uncached reads within 1.5× of in-memory.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import mongoose from 'mongoose';
import type { Harness } from './harness';

const DOCS = 5_000;

async function startMongo(args: string[]): Promise<{ proc: ChildProcess; uri: string }> {
  const tools = process.env.TOOLS_DIR ?? join(homedir(), '.cache', 'tonearm-tools');
  const jar = readFileSync(join(tools, 'mongo-dev-server.path'), 'utf8').trim();
  const proc = spawn(
    'java',
    ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx768m', '-jar', jar, '--port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const uri = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (l) => {
      const m = /^READY (mongodb:\/\/\S+)/.exec(l);
      if (m?.[1]) resolve(`${m[1]}/bench_persist`);
    });
    proc.once('exit', (c) => reject(new Error(`mongo-dev-server exited ${c}`)));
  });
  return { proc, uri };
}

function songDoc(i: number) {
  return {
    title: `Song ${i}`,
    artistId: new mongoose.Types.ObjectId(),
    artistName: `Artist ${i % 97}`,
    albumTitle: `Album ${i % 311}`,
    durationSec: 180 + (i % 120),
    playCount: i,
    media: { status: 'ready', hlsPrefix: `songs/${i}/hls/v1/`, renditions: [] },
  };
}

export default async function (h: Harness) {
  const dir = mkdtempSync(join(tmpdir(), 'tonearm-persist-'));
  const mem = await startMongo(['--memory']);
  const h2 = await startMongo(['--h2', join(dir, 'bench.mv')]);
  const conns = {
    memory: await mongoose.createConnection(mem.uri).asPromise(),
    h2: await mongoose.createConnection(h2.uri).asPromise(),
  };
  const ids: Record<keyof typeof conns, mongoose.Types.ObjectId[]> = { memory: [], h2: [] };
  for (const [name, c] of Object.entries(conns) as [keyof typeof conns, mongoose.Connection][]) {
    const col = c.db!.collection('songs');
    const docs = Array.from({ length: DOCS }, (_, i) => ({
      _id: new mongoose.Types.ObjectId(),
      ...songDoc(i),
    }));
    for (let i = 0; i < docs.length; i += 500) await col.insertMany(docs.slice(i, i + 500));
    ids[name] = docs.map((d) => d._id);
  }
  const pick = (name: keyof typeof conns) => ids[name][Math.floor(Math.random() * DOCS)]!;
  const col = (name: keyof typeof conns) => conns[name].db!.collection('songs');

  const read = await h.compare(
    'uncached read: findOne by _id (H2 file vs in-memory)',
    () => col('h2').findOne({ _id: pick('h2') }),
    () => col('memory').findOne({ _id: pick('memory') }),
    { iterations: 3000, note: `${DOCS} songs in each backend` },
  );
  let n = DOCS;
  await h.compare(
    'write: insertOne (H2 file vs in-memory)',
    () => col('h2').insertOne(songDoc(n++)),
    () => col('memory').insertOne(songDoc(n++)),
    { iterations: 2000 },
  );
  await h.compare(
    'write: updateOne $inc playCount (H2 file vs in-memory)',
    () => col('h2').updateOne({ _id: pick('h2') }, { $inc: { playCount: 1 } }),
    () => col('memory').updateOne({ _id: pick('memory') }, { $inc: { playCount: 1 } }),
    { iterations: 2000 },
  );

  const redis = createRedis({ keyPrefix: 'bench-persist:' });
  await whenReady(redis);
  const cache = new Cache(redis);
  const hotH2 = String(ids.h2[0]);
  const hotMem = String(ids.memory[0]);
  await cache.getOrLoad('song', hotH2, () => col('h2').findOne({ _id: ids.h2[0] }));
  await cache.getOrLoad('song', hotMem, () => col('memory').findOne({ _id: ids.memory[0] }));
  const cached = await h.compare(
    'cached read path: cache-aside hit, H2-backed vs memory-backed',
    () => cache.getOrLoad('song', hotH2, () => col('h2').findOne({ _id: ids.h2[0] })),
    () => cache.getOrLoad('song', hotMem, () => col('memory').findOne({ _id: ids.memory[0] })),
    { iterations: 5000 },
  );
  const ratio = (r: typeof read) => (r.target && r.baseline ? r.target.p50 / r.baseline.p50 : Number.NaN);
  h.record({
    name: 'targets',
    figures: {
      'uncached read p50 ratio (≤1.5)': ratio(read),
      'cached read p50 ratio (≈1.0)': ratio(cached),
    },
  });
  redis.disconnect();
  await Promise.all(Object.values(conns).map((c) => c.close()));
  mem.proc.kill('SIGTERM');
  h2.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dir, { recursive: true, force: true });
}
