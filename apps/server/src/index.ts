export * from './app';
export * from './deps';
export * from './media-edge';
export * from './cover-route';
export * from './admin-queues';
