/**
 * Warehouse control (spec 05): employees enrolled by face, face-confirmed stock movements at the station,
 * history, reversal by admins, backups. Stock itself is inventory's: this module calls its API.
 */
import type { Logger } from 'pino';
import type { ModuleDefinition } from '@chaharsu/http';
import type { Jobs } from '@chaharsu/jobs';
import { warehouseMigrations } from './migrations/index.js';
import { warehouseRoutes } from './warehouse.routes.js';
import { createWarehouseService, type WarehouseDeps, type WarehouseService } from './warehouse.service.js';
import { createBackups, type BackupOptions, type Backups } from './backup.js';
import './warehouse.errors.js';

export * from './warehouse.contracts.js';
export { WarehouseErrors, BackupErrors } from './warehouse.errors.js';
export { WarehousePermissions, WAREHOUSE_ADMIN, WAREHOUSE_OPERATOR, WAREHOUSE_VIEWER } from './warehouse.permissions.js';
export { FACE_MATCH_THRESHOLD, similarity, checkEnrolment, matchTemplate } from './face-match.js';
export { CONFIRMATION_TTL_MS } from './face-token.js';
export { createBackups, findPgDump, type Backups, type BackupOptions } from './backup.js';
export type { WarehouseDeps, WarehouseService } from './warehouse.service.js';

export const DAILY_BACKUP_JOB = 'warehouse.daily-backup';

export interface WarehouseModuleDeps extends WarehouseDeps {
  /** Null when backups are not configured (no superuser/BYPASSRLS URL): the routes answer warehouse.backup_not_configured. */
  backups: (BackupOptions & { path_variable: string }) | null;
  /** Schedules the daily backup when given; cron in `daily_backup_cron` (default 02:30 Asia/Tehran). */
  jobs?: Jobs;
  daily_backup_cron?: string;
  logger?: Logger;
}

export interface WarehouseModule extends ModuleDefinition {
  api: WarehouseService;
  backups: Backups | null;
  /** Registers the daily backup job (call after jobs.start()). */
  start: () => Promise<void>;
}

export function createWarehouseModule(deps: WarehouseModuleDeps): WarehouseModule {
  const service = createWarehouseService(deps);
  const backups = deps.backups ? createBackups(deps.backups, deps.backups.path_variable) : null;
  return {
    name: 'warehouse',
    api: service,
    backups,
    migrations: warehouseMigrations,
    routes: warehouseRoutes(service, deps.audit, backups),
    async start() {
      if (!deps.jobs || !backups) return;
      await deps.jobs.schedule(DAILY_BACKUP_JOB, deps.daily_backup_cron ?? '30 2 * * *', async () => {
        const made = await backups.create('daily');
        deps.logger?.info({ backup: made.file_name, size_bytes: made.size_bytes, pg_dump: made.pg_dump }, 'daily backup written');
      }, { tz: 'Asia/Tehran' });
    },
  };
}
