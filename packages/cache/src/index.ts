export * from './cache';
export * from './redis';
