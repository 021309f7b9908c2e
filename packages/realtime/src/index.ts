export * from './emitter';
export * from './events';
export * from './presence';
export * from './rooms';
