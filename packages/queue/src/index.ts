export * from './connection';
export * from './jobs';
export * from './admin';
