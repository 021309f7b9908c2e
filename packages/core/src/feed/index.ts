export * from './audience';
export * from './feed';
export * from './presence';
export * from './visibility';
