export * from './database.js';
export * from './migrations.js';
export * from './provision.js';
export { sql } from 'kysely';
