// Album loudness (issue 11): EBU R128 integrated loudness and true peak of an album, measured once from
// its tracks' sources. Integrated loudness gates 400 ms blocks over the whole programme, so an album's
// value is NOT the mean of its tracks' values: it is the energy of every block of every track that
// passes the −70 LUFS and relative gates. ffmpeg's ebur128 over the tracks played back to back (in
// album order, as the player joins them gaplessly) measures exactly that; the true peak is the highest.
import ffmpeg from 'fluent-ffmpeg';
import { type Loudness, PCM, parseEbur128, type RunOptions, run, safeInputOptions } from './ffmpeg';

/**
 * Measures `inputs` (local files, in album order) as one programme. Every source is
 * converted to the PCM the ladder plays (44.1 kHz stereo float) so sources of different rates or
 * layouts can be joined.
 */
export async function measureAlbumLoudness(inputs: string[], opts: RunOptions = {}): Promise<Loudness> {
  if (inputs.length === 0) throw new Error('an album needs at least one track to measure');
  const cmd = ffmpeg();
  // Local files only, each container checked and its demuxer forced (see ffmpeg.ts).
  for (const i of inputs) cmd.input(i).inputOptions(...(await safeInputOptions(i)));
  const fmt = `aformat=sample_fmts=flt:sample_rates=${PCM.sampleRate}:channel_layouts=stereo`;
  const parts = inputs.map((_, i) => `[${i}:a:0]${fmt}[a${i}]`);
  const joined = inputs.map((_, i) => `[a${i}]`).join('');
  cmd
    .complexFilter(`${parts.join(';')};${joined}concat=n=${inputs.length}:v=0:a=1,ebur128=peak=true[out]`)
    .output('-')
    .outputOptions('-map', '[out]', '-f', 'null');
  return parseEbur128(await run(cmd, opts));
}
