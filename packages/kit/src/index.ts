export * from './errors.js';
export * from './ids.js';
export * from './text.js';
export * from './money.js';
export * from './context.js';
export * from './crypto.js';
export * from './batch-lanes.js';
