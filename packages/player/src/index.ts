export * from './abr';
export * from './engine';
export * from './fmp4';
export * from './gapless-math';
export * from './hls';
export * from './loudness';
export * from './track-input';
