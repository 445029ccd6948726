import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';

/** A module's migration: explicit SQL, append-only, named `YYYYMMDDTHHMM_<module>_<what>`. */
export interface ModuleMigration {
  name: string;
  up: string;
  down: string;
}

export const APP_ROLE = 'chaharsu_app';

/** SQL that puts a tenant table under row-level security (FORCE: not even the owner bypasses it). */
export function tenantTableSql(table: string, options: { also_visible_if?: string } = {}): string {
  const visible = options.also_visible_if ? `(org_id = platform.current_org_id() or (${options.also_visible_if}))` : 'org_id = platform.current_org_id()';
  return `
alter table ${table} enable row level security;
alter table ${table} force row level security;
create policy tenant_isolation on ${table} using (${visible}) with check (org_id = platform.current_org_id());`;
}

/** The platform's own base migration: the helper functions row-level security policies call. */
export const baseMigrations: ModuleMigration[] = [
  {
    name: '20261121T0000_platform_base',
    up: `
create schema if not exists platform;
create or replace function platform.current_org_id() returns uuid language sql stable as
  $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;
create or replace function platform.current_user_id() returns uuid language sql stable as
  $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;
create or replace function platform.is_platform_admin() returns boolean language sql stable as
  $$ select coalesce(current_setting('app.platform_admin', true), 'off') = 'on' $$;
grant usage on schema platform to ${APP_ROLE};
grant execute on all functions in schema platform to ${APP_ROLE};
`,
    down: 'drop schema platform cascade;',
  },
];

class ListProvider implements MigrationProvider {
  constructor(private readonly list: ModuleMigration[]) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const m of this.list) {
      out[m.name] = {
        up: async (db) => { await sql.raw(m.up).execute(db); },
        down: async (db) => { await sql.raw(m.down).execute(db); },
      };
    }
    return out;
  }
}

export function checkMigrationNames(list: ModuleMigration[]): void {
  const seen = new Set<string>();
  for (const m of list) {
    if (!/^\d{8}T\d{4}_[a-z0-9_-]+$/.test(m.name)) throw new Error(`migration name "${m.name}" must be YYYYMMDDTHHMM_<module>_<what>`);
    if (seen.has(m.name)) throw new Error(`migration "${m.name}" defined twice`);
    seen.add(m.name);
  }
}

/** Runs every pending migration of every module, in name (time) order, each in its own transaction. */
export async function migrateToLatest(db: Db, modules: ModuleMigration[][]): Promise<string[]> {
  const all = [...baseMigrations, ...modules.flat()];
  checkMigrationNames(all);
  const migrator = new Migrator({ db, provider: new ListProvider(all), migrationTableSchema: 'public', allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
