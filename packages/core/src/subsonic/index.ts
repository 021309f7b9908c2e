export * from './app-password';
export * from './browse';
export * from './fields';
export * from './state';
