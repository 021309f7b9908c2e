export * from './admin';
export * from './connection';
export * from './jobs';
