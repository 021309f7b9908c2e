export * from './admin-queues';
export * from './app';
export * from './cover-route';
export * from './deps';
export * from './media-edge';
