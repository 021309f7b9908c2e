export * from './deps';
export * from './processor';
export * from './processors/album-loudness';
export * from './processors/transcode';
export * from './processors/upload-sweep';
export * from './registry';
export * from './runtime';
export * from './start';
