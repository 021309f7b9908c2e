export * from './feed';
export * from './visibility';
export * from './presence';
export * from './audience';
