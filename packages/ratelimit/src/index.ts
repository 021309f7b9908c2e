export * from './limiter';
export * from './redis-adapter';
export * from './scopes';
export * from './identify';
export * from './client-ip';
