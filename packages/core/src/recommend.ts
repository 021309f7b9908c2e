// "More like this" and "For you": item–item similarity ("listeners who played X also played Y")
// computed by the neighbour job (recs/job.ts) from the per-listener rows (listener_songs, kept by every
// play report), stored as top-K neighbours and the served blend per song (song_neighbors), and served
// (recs/serve.ts) by reads by _id or single-field indexes only (the dev stand-in ignores compound
// ones). The arithmetic lives in recs-sim.ts, shared with the offline evaluation.
export {
  CacheNsMlt,
  MLT_PRECOMPUTED,
  mltTag,
  type NeighborsOptions,
  type NeighborsRun,
  refreshSongNeighbors,
} from './recs/job';
export * from './recs/serve';
export {
  DEFAULT_SIM,
  MLT_SIM,
  MLT_WEIGHTS,
  type Reason,
  type SimOptions,
  unpackCandidates,
  unpackNeighbors,
} from './recs-sim';
