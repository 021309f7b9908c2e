export * from './connection';
export * from './models';
export { Types } from 'mongoose';
export * from './seed';
export * from './catalog-gen';
export * from './playlog-gen';
export * from './models-subsonic';
