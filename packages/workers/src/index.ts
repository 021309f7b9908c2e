export * from './processor';
export * from './registry';
export * from './start';
export * from './processors/transcode';
export * from './runtime';
export * from './services';
export * from './processors/album-loudness';
export * from './processors/upload-sweep';
