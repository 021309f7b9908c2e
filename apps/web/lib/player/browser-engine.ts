// Which engine the browser plays through: gapless and loudness-normalised wherever MSE and Web Audio
// exist (GaplessEngine), hls.js or native HLS otherwise (HlsEngine). The controller takes this as its
// engine factory; its unit tests pass a fake instead.
import type { EngineFactory } from './engine';
import { canUseGaplessEngine, GaplessEngine } from './gapless-engine';
import { HlsEngine } from './hls-engine';

export const createBrowserEngine: EngineFactory = (listener, settings) =>
  canUseGaplessEngine() ? new GaplessEngine(listener, settings) : new HlsEngine(listener);
