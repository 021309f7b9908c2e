export * from './common';
export * from './dto';
export * from './errors';
export * from './imports';
export * from './media';
export * from './people';
export * from './people-dto';
export * from './schemas';
