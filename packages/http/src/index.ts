export * from './module.js';
export * from './schemas.js';
