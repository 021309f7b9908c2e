export * from './app';
export * from './deps';
export * from './media-edge';
