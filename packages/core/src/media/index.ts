export * from './deps';
export * from './notify';
export * from './playback';
export * from './transcode';
export * from './upload';
export * from './factory';
export * from './album-loudness';
