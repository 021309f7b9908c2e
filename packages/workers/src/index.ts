export * from './processor';
export * from './registry';
