export * from './common';
export * from './errors';
export * from './schemas';
export * from './people';
export * from './dto';
export * from './media';
