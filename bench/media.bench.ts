// Media pipeline benchmarks (issue 4), on a generated 4-minute track:
// - the ladder (MP3 decoded once, 4 AAC-LC rungs in 4 parallel encoder processes on 2 cores) against the same
//   rungs encoded one by one (each decoding the MP3 again), for the twoloop and fast AAC coders, with
//   each wall time as a ratio to the physical limit (encoder CPU ÷ 2 cores) and an SDR quality proxy;
// - time to first audio in Chromium on loopback (tuned hls.js config vs hls.js defaults);
// - CloudFront signatures made per track played;
// - the lossless (FLAC) rung's extra encode cost on a lossless source (MEDIA_BENCH=lossless: that row alone).
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { repoRoot } from '@tonearm/config';
import {
  type AacCoder,
  AUDIO_HLS_CONFIG,
  cachedTrack,
  createMediaEdge,
  LADDER,
  MediaSigner,
  parsePlaylist,
  rungEncoderOptions,
  S3Storage,
  transcodeLadder,
  uploadDir,
} from '@tonearm/media';
import type { Harness } from './harness';
import { stats } from './harness';

const TRACK_SEC = 240;
const CORES = 2;

/** CPU seconds used by this process's waited-for children (ffmpeg), from /proc/self/stat. */
function childCpuSec(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, USER_HZ = 100
}

function ffmpeg(args: string[]) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stderr;
}

/** Each rung alone, as a naive pipeline would: its own ffmpeg, its own MP3 decode. */
function oneByOne(source: string, out: string, coder: AacCoder) {
  for (const r of LADDER) {
    ffmpeg([
      '-i', source, '-vn', '-ar', '44100', '-ac', '2', '-c:a', 'aac', '-aac_coder', coder, ...rungEncoderOptions(r),
      '-f', 'hls', '-hls_time', '6', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4',
      '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', join(out, `${r.name}_%03d.m4s`),
      join(out, `${r.name}.m3u8`),
    ]); // biome-ignore format: one ffmpeg command line
  }
}

/** Signal-to-distortion ratio (dB) of a rendition against the source, priming cut. */
async function sdr(dir: string, rung: string, source: string): Promise<number> {
  const text = await readFile(join(dir, rung, 'index.m3u8'), 'utf8');
  const m = parsePlaylist(text).manifest;
  const parts = [m.segments[0]!.map!.uri, ...m.segments.map((s) => s.uri)].map((p) => join(dir, rung, p));
  const err = ffmpeg([
    '-i', source, '-i', `concat:${parts.join('|')}`,
    '-lavfi', '[0]aresample=44100,aformat=sample_fmts=fltp[a];[1]atrim=start_sample=1024,asetpts=PTS-STARTPTS,aformat=sample_fmts=fltp[b];[a][b]asdr',
    '-f', 'null', '-', '-v', 'info',
  ]); // biome-ignore format: one ffmpeg command line
  const vals = [...err.matchAll(/SDR ch\d+: (-?[\d.]+) dB/g)].map((x) => Number(x[1]));
  return vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
}

type LadderRun = { coder: AacCoder; source: string; label: string };

async function ladderRows(h: Harness, runs: LadderRun[], work: string): Promise<string> {
  let keepDir = '';
  for (const [i, { coder, source, label }] of runs.entries()) {
    const ladderDir = join(work, `ladder-${i}`);
    await mkdir(join(ladderDir, 'w'), { recursive: true });
    const cpu0 = childCpuSec();
    const r = await transcodeLadder(source, ladderDir, join(ladderDir, 'w'), {
      coder,
      verifyPriming: false,
    });
    const ladderCpu = childCpuSec() - cpu0;
    const ladderWall = r.timings.totalMs / 1000;
    const encodeWall = r.timings.encodeMs / 1000;

    const seqDir = join(work, `seq-${i}`);
    await mkdir(seqDir, { recursive: true });
    const cpu1 = childCpuSec();
    const t1 = performance.now();
    oneByOne(source, seqDir, coder);
    const seqWall = (performance.now() - t1) / 1000;
    const seqCpu = childCpuSec() - cpu1;

    // Physical limit: the renditions' encoder CPU spread perfectly over both cores.
    const encoderCpu = ladderCpu; // decode + loudness (~1 CPU-s) included: an upper bound
    const limitWall = encoderCpu / CORES;
    const quality: Record<string, number> = {};
    for (const rung of ['64k', '128k', '320k'])
      quality[`SDR ${rung} dB`] = await sdr(ladderDir, rung, source);
    h.record({
      name: `ladder 4 rungs, 4-min ${label} track, aac_coder=${coder}`,
      target: stats([ladderWall * 1000]),
      baseline: stats([seqWall * 1000]),
      figures: {
        'realtime ×': TRACK_SEC / ladderWall,
        'one-by-one realtime ×': TRACK_SEC / seqWall,
        'wall ÷ one-by-one': ladderWall / seqWall,
        'encoder CPU s': encoderCpu,
        'one-by-one CPU s': seqCpu,
        'physical limit s (CPU÷2)': limitWall,
        'wall ÷ physical limit': ladderWall / limitWall,
        'decode+loudness s': r.timings.decodeMs / 1000,
        'encode wall s': encodeWall,
        ...quality,
        'rung kbit/s': r.renditions.map((x) => Math.round(x.averageBandwidth / 1000)).join('/'),
      },
      note: 'target ≥30× realtime where the coder allows, ≤0.6× one-by-one; MP3 decoded once; shared busy machine',
    });
    if (i === 0) keepDir = ladderDir;
  }
  return keepDir;
}

/**
 * The top rung alone on the mono recording in a stereo MP3, decoded as the ladder decodes it, with
 * M/S stereo search on (ffmpeg's default) and off (the ladder's choice), compared with the PCM by SDR.
 */
async function midSideRow(h: Harness, monoMp3: string, work: string) {
  const top = LADDER.at(-1)!;
  const pcm = join(work, 'mono.f32');
  const raw = ['-f', 'f32le', '-ar', '44100', '-ac', '2'];
  ffmpeg(['-i', monoMp3, ...raw, pcm]);
  const result: Record<string, { cpu: number; wall: number; sdr: number }> = {};
  for (const midSide of ['auto', 'off'] as const) {
    const out = join(work, `ms-${midSide}.mp4`);
    const cpu0 = childCpuSec();
    const t0 = performance.now();
    ffmpeg([...raw, '-i', pcm, '-c:a', 'aac', ...rungEncoderOptions({ ...top, midSide }), out]);
    const wall = (performance.now() - t0) / 1000;
    const cpu = childCpuSec() - cpu0;
    const err = ffmpeg([
      '-i', out, ...raw, '-i', pcm,
      '-lavfi', '[0]aformat=sample_fmts=fltp[a];[1]aformat=sample_fmts=fltp[b];[a][b]asdr',
      '-f', 'null', '-', '-v', 'info',
    ]); // biome-ignore format: one ffmpeg command line
    const vals = [...err.matchAll(/SDR ch\d+: (-?[\d.]+) dB/g)].map((x) => Number(x[1]));
    result[midSide] = { cpu, wall, sdr: vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length) };
  }
  const on = result.auto!;
  const off = result.off!;
  h.record({
    name: `${top.name} rung alone, 4-min mono recording (stereo MP3): M/S search off (the ladder) vs auto (ffmpeg default)`,
    target: stats([off.wall * 1000]),
    baseline: stats([on.wall * 1000]),
    figures: {
      'CPU s off': off.cpu,
      'CPU s auto': on.cpu,
      'CPU off ÷ auto': off.cpu / on.cpu,
      'SDR dB off': off.sdr,
      'SDR dB auto': on.sdr,
    },
    note: 'why the top rung codes L/R: both far past transparency, a fraction of the CPU on mono sources',
  });
  await rm(pcm, { force: true });
}

/**
 * The lossless rung's extra cost (issue 15): the ladder on one 4-minute 16-bit FLAC source with the
 * FLAC rung (what a lossless upload gets) and without it (`lossless: false`: the AAC rungs alone),
 * interleaved in the same run, two rounds each.
 */
async function losslessRow(h: Harness, mp3: string, work: string) {
  const flac = join(work, 'bench-source.flac');
  ffmpeg(['-i', mp3, '-ar', '44100', '-ac', '2', '-c:a', 'flac', '-sample_fmt', 's16', flac]);
  const runs: Record<'with' | 'without', { wall: number[]; cpu: number[]; flacWall: number[] }> = {
    with: { wall: [], cpu: [], flacWall: [] },
    without: { wall: [], cpu: [], flacWall: [] },
  };
  let last: Awaited<ReturnType<typeof transcodeLadder>> | null = null;
  for (let round = 0; round < 2; round++) {
    for (const mode of round % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
      const dir = join(work, `lossless-${mode}-${round}`);
      await mkdir(join(dir, 'w'), { recursive: true });
      const cpu0 = childCpuSec();
      const r = await transcodeLadder(flac, dir, join(dir, 'w'), {
        lossless: mode === 'with' ? 'auto' : false,
        verifyPriming: false,
      });
      runs[mode].cpu.push(childCpuSec() - cpu0);
      runs[mode].wall.push(r.timings.totalMs);
      runs[mode].flacWall.push(r.timings.flacEncodeMs);
      if (mode === 'with') last = r;
      await rm(dir, { recursive: true, force: true });
    }
  }
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  const top = last!.renditions.find((r) => r.codec === 'flac')!;
  const aac320 = last!.renditions.find((r) => r.name === '320k')!;
  h.record({
    name: 'ladder on a 4-min 16-bit FLAC source: with the lossless rung vs AAC rungs only',
    target: stats(runs.with.wall),
    baseline: stats(runs.without.wall),
    figures: {
      'wall with ÷ without': mean(runs.with.wall) / mean(runs.without.wall),
      'CPU s with': mean(runs.with.cpu),
      'CPU s without': mean(runs.without.cpu),
      'CPU with ÷ without': mean(runs.with.cpu) / mean(runs.without.cpu),
      'FLAC encoder wall s (beside the AAC encoders)': mean(runs.with.flacWall) / 1000,
      'realtime × with': TRACK_SEC / (mean(runs.with.wall) / 1000),
      'lossless kbit/s avg': Math.round(top.averageBandwidth / 1000),
      'lossless bytes ÷ 320k': top.averageBandwidth / aac320.averageBandwidth,
    },
    note: 'same source, same run, interleaved; the source is the bench MP3 decoded to FLAC (band-limited: a CD rip codes larger)',
  });
  await rm(flac, { force: true });
}

async function playbackRows(h: Harness, ladderDir: string) {
  const storage = new S3Storage();
  await storage.ensureBucket();
  const prefix = `bench/ttfa/${randomBytes(4).toString('hex')}/`;
  await uploadDir(storage, ladderDir, prefix);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const edge = createMediaEdge({
    storage,
    basePath: '/media/',
    publicKeys: { KBENCH: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  });
  const hlsJs = readFileSync(
    join(
      createRequire(join(repoRoot(), 'packages/media/package.json')).resolve('hls.js'),
      '..',
      'hls.min.js',
    ),
  );
  let verified = 0;
  const server = createServer((req, res) => {
    if (req.url === '/')
      return res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<audio id="a"></audio><script src="/hls.js"></script>');
    if (req.url === '/hls.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    res.on('finish', () => {
      if (res.statusCode < 300) verified++;
    });
    edge(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const signer = new MediaSigner({
    baseUrl: `${origin}/media/`,
    keyPairId: 'KBENCH',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required', '--no-first-run'],
  });
  const play = async (config: object) => {
    const page = await browser.newPage();
    // tsx (esbuild keepNames) wraps named functions in __name(); the page has no such helper.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(origin);
    // One play: one signature, then every playlist and segment request verifies against it.
    const grant = signer.grantPrefix(prefix, 600);
    const ms = await page.evaluate(
      ({ url, query, config }) =>
        new Promise<number>((resolve, reject) => {
          const w = window as unknown as {
            Hls: new (c: object) => { attachMedia(a: HTMLMediaElement): void; loadSource(u: string): void };
          };
          const a = document.getElementById('a') as HTMLAudioElement;
          const hls = new w.Hls({
            ...config,
            xhrSetup: (xhr: XMLHttpRequest, u: string) => xhr.open('GET', `${u}?${query}`, true),
          });
          const t0 = performance.now();
          a.addEventListener('playing', () => resolve(performance.now() - t0), { once: true });
          setTimeout(() => reject(new Error('no audio after 20 s')), 20_000);
          hls.attachMedia(a);
          hls.loadSource(url);
          void a.play();
        }),
      { url: `${signer.urlOf(prefix)}master.m3u8`, query: grant.query, config },
    );
    await page.close();
    return ms;
  };
  const tuned: number[] = [];
  const defaults: number[] = [];
  await play(AUDIO_HLS_CONFIG); // warm-up
  const signed0 = signer.signaturesMade;
  const verified0 = verified;
  for (let i = 0; i < 8; i++) {
    defaults.push(await play({}));
    tuned.push(await play(AUDIO_HLS_CONFIG));
  }
  const plays = tuned.length + defaults.length;
  h.record({
    name: 'time to first audio, Chromium, loopback (loadSource+play → playing)',
    target: stats(tuned),
    baseline: stats(defaults),
    note: 'target < 400 ms; target = shared AUDIO_HLS_CONFIG, baseline = hls.js defaults; fMP4 ladder',
  });
  h.record({
    name: 'CloudFront signatures per track played',
    figures: {
      'signatures per play': (signer.signaturesMade - signed0) / plays,
      'requests verified per play': (verified - verified0) / plays,
    },
    note: 'target 1: one custom-policy signature for the song prefix covers master, variants and segments',
  });
  await browser.close();
  server.close();
  await storage.deletePrefix(prefix);
}

export default async function (h: Harness) {
  console.log(
    `# media bench on ${cpus().length} cores (shared with other engineers' work: figures are noisy)`,
  );
  const source = await cachedTrack('bench', { seconds: TRACK_SEC });
  console.log(
    `# load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const work = await mkdtemp(join(tmpdir(), 'tonearm-media-bench-'));
  try {
    // MEDIA_BENCH=playback skips the (slow) ladder rows and plays a 30 s ladder instead.
    let ladderDir: string;
    if (process.env.MEDIA_BENCH === 'lossless') {
      // MEDIA_BENCH=lossless: only the lossless rung's row.
      await losslessRow(h, source, work);
      return;
    }
    if (process.env.MEDIA_BENCH === 'playback') {
      ladderDir = join(work, 'short');
      await mkdir(join(ladderDir, 'w'), { recursive: true });
      await transcodeLadder(await cachedTrack('ladder', { seconds: 30 }), ladderDir, join(ladderDir, 'w'));
    } else {
      const mono = await cachedTrack('bench', { seconds: TRACK_SEC, mono: true });
      ladderDir = await ladderRows(
        h,
        [
          { coder: 'twoloop', source, label: 'stereo' },
          { coder: 'twoloop', source: mono, label: 'mono' },
          { coder: 'fast', source, label: 'stereo' },
        ],
        work,
      );
      await midSideRow(h, mono, work);
      await losslessRow(h, source, work);
    }
    await playbackRows(h, ladderDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
