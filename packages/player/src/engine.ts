// The gapless engine: plays a queue of HLS fMP4 audio tracks on ONE MSE SourceBuffer per "deck", each
// track placed with timestampOffset and cut to the sample by the append window (priming and padding
// removed), so consecutive tracks decode as one continuous stream. A second deck exists only while a
// crossfade runs. Output goes through the engine's AudioContext: normalisation gain → fade → output.
// The modules: engine-types.ts (inputs, state, events), network.ts (fetch with retry), level.ts
// (renditions and codecs), deck.ts (one MSE SourceBuffer), player.ts (GaplessPlayer).
export type {
  PlaybackActivity,
  PlayerOptions,
  PlayerState,
  RenditionInput,
  SegmentEvent,
  TrackInput,
} from './engine-types';
export { canPlayCodecs, isLosslessCodec, mseTypeOf } from './level';
export { HttpError, withQuery } from './network';
export { GaplessPlayer } from './player';
