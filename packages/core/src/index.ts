export * from './catalog';
export * from './deps';
export * from './dto';
export * from './auth';
export * from './search';
export * from './recommend';
