// `pnpm --filter @tonearm/example-client start [url]`: prints the top songs of a running server.
import { topSongLines } from './client';

const url = process.argv[2] ?? 'http://127.0.0.1:18001';
for (const line of await topSongLines({ url })) console.log(line);
