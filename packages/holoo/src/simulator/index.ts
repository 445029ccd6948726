/**
 * The Holoo simulator: Holoo-shaped company databases on PostgreSQL, so the adapter's queries run for
 * real in tests and benchmarks. One PostgreSQL database = one SQL Server instance; one schema = one
 * company database. Open it with `connectHolooSimulator({ url })` from `@chaharsu/holoo`.
 */
export { createSimulatedCompany, dropSimulatedCompany, tableDdl, type SimulatedCompanyOptions } from './schema.js';
export { recordSimulatedBackup, type SimulatedBackup } from './backups.js';
export { seedSimulatedCompany, seededRandom, type SeedOptions, type SeedSummary } from './seed.js';
