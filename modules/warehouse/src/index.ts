/**
 * Warehouse control (spec 05): employees enrolled by face, face-confirmed stock movements at the station,
 * history, reversal by admins, backups. Stock itself is inventory's: this module calls its API.
 */
import type { Logger } from 'pino';
import { AppError } from '@chaharsu/kit';
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
/** The service alone (tests, the warehouse benchmark); the server uses createWarehouseModule. */
export { createWarehouseService } from './warehouse.service.js';

export const DAILY_BACKUP_JOB = 'warehouse.daily-backup';

export interface WarehouseModuleDeps extends WarehouseDeps {
  /** Null when backups are not configured (no superuser/BYPASSRLS URL): the routes answer warehouse.backup_not_configured. */
  backups: (BackupOptions & { path_variable: string }) | null;
  /**
   * Who may take and download backups through the org routes. A dump holds every organisation's rows, so by
   * default (`single_org`) only while the database holds one organisation (the local warehouse deployment);
   * `always` for an installation dedicated to one company; `never` on the shared SaaS (the CLI still works).
   */
  org_backups: { policy: 'single_org' | 'always' | 'never'; organisation_count: () => Promise<number> };
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
    routes: warehouseRoutes(service, deps.audit, backups, deps.org_backups),
    async start() {
      if (!backups) return;
      // Say at start-up, not at 02:30, when backups cannot work on this machine.
      await backups.tool().then(
        (tool) => deps.logger?.info({ pg_dump: tool.path, version: tool.version, server_version: tool.server_version }, 'backups: pg_dump matches the server'),
        (error: unknown) => deps.logger?.error(
          { code: error instanceof AppError ? error.code : undefined, params: error instanceof AppError ? error.params : undefined, err: error },
          'backups will fail on this machine: see docs/warehouse/backups.md',
        ),
      );
      if (!deps.jobs) return;
      await deps.jobs.schedule(DAILY_BACKUP_JOB, deps.daily_backup_cron ?? '30 2 * * *', async () => {
        const made = await backups.create('daily');
        deps.logger?.info({ backup: made.file_name, size_bytes: made.size_bytes, pg_dump: made.pg_dump }, 'daily backup written');
      }, { tz: 'Asia/Tehran' });
    },
  };
}
