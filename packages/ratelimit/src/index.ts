export * from './client-ip';
export * from './identify';
export * from './limiter';
export * from './redis-adapter';
export * from './scopes';
