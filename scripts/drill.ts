// `pnpm drill [name]`: fault drills against a local cluster under bounded loopback load. Each prints
// requests sent, errors by status, 5xx carrying stack traces, and the time to recover.
import { connectDb, disconnectDb, seedSkeleton, Song, syncIndexes } from '@tonearm/db';
import { kill, type Proc, services, startServer } from './drill/cluster';
import { print, runLoad } from './drill/load';

type Drill = { name: string; run(): Promise<void> };

services('up');
await connectDb();
await syncIndexes();
await seedSkeleton();
const song = await Song.findOne().lean();
const byId = `/trpc/song.byId?input=${encodeURIComponent(JSON.stringify({ id: String(song?._id) }))}`;

const drills: Drill[] = [
  {
    name: 'kill -9 one server',
    async run() {
      const a = await startServer('server-a');
      const b = await startServer('server-b');
      const live: Proc[] = [a, b];
      const faultAt = 1_000;
      setTimeout(() => {
        void kill(a, 'SIGKILL').then(() => live.splice(live.indexOf(a), 1));
      }, faultAt);
      const r = await runLoad({
        targets: () => [a, b].map((p) => p.url!),
        request: () => ({ path: byId }),
        rate: 200,
        total: 800,
      });
      print(this.name, r, faultAt);
      await kill(b, 'SIGTERM');
    },
  },
];

const only = process.argv[2];
for (const d of drills) if (!only || d.name.includes(only)) await d.run();
await disconnectDb();
process.exit(0);
