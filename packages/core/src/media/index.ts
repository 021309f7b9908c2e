export * from './album-loudness';
export * from './covers';
export * from './deps';
export * from './factory';
export * from './notify';
export * from './playback';
export * from './transcode';
export * from './upload';
