export * from './processor';
export * from './registry';
export * from './runtime';
export * from './services';
