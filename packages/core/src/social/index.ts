export * from './feed';
export * from './graph';
export * from './presence';
