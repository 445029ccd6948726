import type { ModuleMigration } from '@chaharsu/db';
import { auditMigrations } from '@chaharsu/audit/migrations';

/** Every module's migrations; the migrator runs them in name (time) order. Add a module here when it is added. */
export function allMigrations(): ModuleMigration[][] {
  return [auditMigrations];
}
