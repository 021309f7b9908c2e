export * from './connection';
export * from './models';
export * from './media-guard';
export { Types } from 'mongoose';
export * from './seed';
export * from './catalog-gen';
export * from './playlog-gen';
export * from './models-import';
export * from './models-people';
