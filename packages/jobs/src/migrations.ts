/**
 * pg-boss's schema, created by a migration run as the owner role (the server's role cannot create
 * schemas). The SQL comes from the pinned pg-boss itself (`getConstructionPlans`), without its own
 * BEGIN/COMMIT because the migrator already runs each migration in one transaction.
 *
 * The app role then gets exactly what pg-boss needs at run time: read/write on its tables, and the two
 * queue functions made SECURITY DEFINER, because creating a queue creates a partition table and the app
 * role has no CREATE on the schema. Upgrading pg-boss: add a migration from `PgBoss.getMigrationPlans`.
 */
import { createRequire } from 'node:module';
import PgBoss from 'pg-boss';
import { APP_ROLE, type ModuleMigration } from '@chaharsu/db';

export const JOBS_SCHEMA = 'pgboss';
/** pg-boss 10.4.x ships schema version 24; the construction SQL below is that version's. */
export const PG_BOSS_SCHEMA_VERSION = 24;

function installedSchemaVersion(): number {
  const require = createRequire(import.meta.url);
  const version = require('pg-boss/version.json') as { schema: number };
  return version.schema;
}

function constructionSql(schema: string): string {
  const found = installedSchemaVersion();
  if (found !== PG_BOSS_SCHEMA_VERSION) {
    throw new Error(`pg-boss schema version ${found} is installed but the jobs migration was written for ${PG_BOSS_SCHEMA_VERSION}: add a migration with PgBoss.getMigrationPlans before upgrading`);
  }
  const plan = PgBoss.getConstructionPlans(schema).trim();
  // The plan is "BEGIN; … COMMIT;": keep the body.
  return plan.replace(/^BEGIN;/, '').replace(/COMMIT;$/, '');
}

export const jobsMigrations: ModuleMigration[] = [
  {
    name: '20261121T0500_jobs_pgboss',
    up: `
${constructionSql(JOBS_SCHEMA)};
alter function ${JOBS_SCHEMA}.create_queue(text, json) security definer set search_path = pg_catalog, ${JOBS_SCHEMA};
alter function ${JOBS_SCHEMA}.delete_queue(text) security definer set search_path = pg_catalog, ${JOBS_SCHEMA};
revoke all on function ${JOBS_SCHEMA}.create_queue(text, json) from public;
revoke all on function ${JOBS_SCHEMA}.delete_queue(text) from public;
grant usage on schema ${JOBS_SCHEMA} to ${APP_ROLE};
grant select, insert, update, delete on all tables in schema ${JOBS_SCHEMA} to ${APP_ROLE};
grant execute on all functions in schema ${JOBS_SCHEMA} to ${APP_ROLE};
alter default privileges in schema ${JOBS_SCHEMA} grant select, insert, update, delete on tables to ${APP_ROLE};
`,
    down: `drop schema ${JOBS_SCHEMA} cascade;`,
  },
];
