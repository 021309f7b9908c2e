export * from './common';
export * from './errors';
export * from './schemas';
export * from './people';
