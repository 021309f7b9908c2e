// Child process for bench/api.bench.ts: `api-servers.ts tonearm|baseline` starts either the real
// standalone server (createApplication over the real deps) or a bare node:http handler doing the
// same Redis GET (and, for the uncached row, the native driver's findOne), prints "READY <port>",
// and serves until killed. The bench pins it to its own core with taskset.
import { createServer } from 'node:http';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { connectDb, nativeDb, Types } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { createApplication } from '../apps/server/src/app';

const mode = process.argv[2];
const cfg = env();
const prefix = process.env.BENCH_REDIS_PREFIX ?? 'bench:';
await connectDb(cfg.MONGODB_URI);
const redis = createRedis({ keyPrefix: prefix });
await whenReady(redis);
const server = createServer();
server.keepAliveTimeout = 65_000;

if (mode === 'tonearm') {
  createApplication(server, { cache: new Cache(redis), redis, log: createLogger('bench', 'silent') });
} else {
  const songs = nativeDb().collection('songs');
  server.on('request', (req, res) => {
    const url = req.url ?? '';
    const id = /[?&]id=([0-9a-f]{24})/.exec(url)?.[1];
    if (!id) return void res.writeHead(400).end();
    if (url.startsWith('/get')) {
      redis.get(`c:{song:${id}}`).then((raw) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"result":{"data":${raw ?? 'null'}}}`);
      });
    } else {
      songs.findOne({ _id: new Types.ObjectId(id) }).then((doc) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ result: { data: doc } }));
      });
    }
  });
}
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  console.log(`READY ${typeof a === 'object' && a ? a.port : 0}`);
});
// A normal exit on a signal, so `node --cpu-prof` can write its profile.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(0));
