/**
 * The composition root: every module, wired by hand. The module graph has no cycles:
 * access ← audit ← identity ← orgs ← (business modules).
 *
 * To add a module: create it below (after the modules it needs), add it to `modules`, and if it has demo
 * data add its step to `demoSeedSteps`. Its migrations go in migrations.ts.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '@chaharsu/db';
import type { ModuleDefinition } from '@chaharsu/http';
import { PLATFORM_ADMIN, SUPPORT_PARTNER } from '@chaharsu/access';
import { createAuditModule } from '@chaharsu/audit';
import { createIdentityModule, identityConfigFrom } from '@chaharsu/identity';
import { createOrgsModule } from '@chaharsu/orgs';
import { createLedgerModule } from '@chaharsu/ledger';
import { createCreditSalesModule } from '@chaharsu/credit-sales';
import { seedCreditSalesDemo } from '@chaharsu/credit-sales/testing';
import { createCatalogModule } from '@chaharsu/catalog';
import { createInventoryModule } from '@chaharsu/inventory';
import { createNotifyModule } from '@chaharsu/notify';
import { createBranchSyncModule } from '@chaharsu/branch-sync';
import { seedBranchSyncDemo } from '@chaharsu/branch-sync/testing';
import { createContentModule } from '@chaharsu/content';
import { createJobs, type Jobs } from '@chaharsu/jobs';
import { createWarehouseModule } from '@chaharsu/warehouse';
import type { Config } from './config.js';
import type { AuthPorts, SessionInfo } from './ports.js';
import { loadSecretKey } from './secrets.js';
import { createStockPorts, stockDemoStep } from './stock-ports.js';
import { createBranchSyncPorts } from './branch-sync-ports.js';
import { seedDemo, type DemoSeedStep } from './seed-demo.js';

export interface Composition {
  modules: ModuleDefinition[];
  auth: AuthPorts;
  /** Seeds the demo organisations on an empty database; returns the sign-in hints to print. */
  seedDemo: () => Promise<string[] | null>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Platform-level permissions come from the two flags on a person's account. */
function platformPermissions(session: SessionInfo): ReadonlySet<string> {
  const held = new Set<string>();
  if (session.is_platform_admin) for (const p of PLATFORM_ADMIN.permissions) held.add(p);
  if (session.is_support_partner) for (const p of SUPPORT_PARTNER.permissions) held.add(p);
  return held;
}

/**
 * `listen_url`: a connection string for LISTEN (branch-sync's cross-instance command forwarding) and the
 * background jobs (pg-boss); absent in one-off tools. `backup_url` reads every row for pg_dump (embedded
 * superuser or BACKUP_DATABASE_URL; null: backups not configured).
 */
export function composeModules(deps: { db: Db; config: Config; logger: Logger; listen_url?: string; backup_url?: string | null }): Composition {
  const { db, config, logger } = deps;
  const audit = createAuditModule();
  const jobs: Jobs | null = deps.listen_url && config.JOBS_ENABLED ? createJobs({ db_url: deps.listen_url, logger }) : null;
  const identity = createIdentityModule({ db, config: identityConfigFrom(config), audit: audit.api, logger, secret_key: loadSecretKey(config), jobs: jobs ?? undefined });
  const orgs = createOrgsModule({ db, audit: audit.api, identity: identity.api });
  const ledger = createLedgerModule();
  const creditSales = createCreditSalesModule({ db, ledger: ledger.api, audit: audit.api, identity: identity.api, logger });
  const notify = createNotifyModule();
  const catalog = createCatalogModule({ audit: audit.api });
  const stockPorts = createStockPorts(orgs.api);
  const inventory = createInventoryModule({ db, logger, audit: audit.api, catalog: catalog.api, notify: notify.api, warehouses: stockPorts, recipients: stockPorts });
  const branchSyncPorts = createBranchSyncPorts(orgs.api, notify.api);
  const branchSync = createBranchSyncModule({
    db, listen_url: deps.listen_url ?? null, secret_key: loadSecretKey(config), audit: audit.api, logger, ...branchSyncPorts,
    releases_dir: path.join(config.DATA_DIR, 'agent-releases'),
    options: { heartbeat_interval_ms: config.BRANCH_SYNC_HEARTBEAT_INTERVAL_MS, sweep_interval_ms: Math.min(10_000, config.BRANCH_SYNC_HEARTBEAT_INTERVAL_MS), retry_base_ms: config.BRANCH_SYNC_RETRY_BASE_MS, retry_cap_ms: config.BRANCH_SYNC_RETRY_CAP_MS },
  });

  const warehouse = createWarehouseModule({
    audit: audit.api, inventory: inventory.api, catalog: catalog.api, secret_key: loadSecretKey(config), logger,
    face_match_threshold: config.WAREHOUSE_FACE_THRESHOLD,
    jobs: jobs ?? undefined, daily_backup_cron: config.BACKUP_DAILY_CRON,
    org_backups: {
      policy: config.WAREHOUSE_ORG_BACKUPS,
      organisation_count: () => orgs.api.organisationCount(),
    },
    backups: {
      folder: config.BACKUP_DIR ? path.resolve(config.root_dir, config.BACKUP_DIR) : path.join(config.DATA_DIR, 'backups'),
      database_url: deps.backup_url ?? config.BACKUP_DATABASE_URL ?? null,
      pg_dump_path: config.PG_DUMP_PATH ?? null,
      keep_daily: config.BACKUP_KEEP_DAILY,
      path_variable: config.PATH,
    },
  });

  const modules: ModuleDefinition[] = [
    audit,
    identity,
    orgs,
    ledger,
    creditSales,
    notify,
    catalog,
    inventory,
    warehouse,
    branchSync,
    createContentModule({ audit: audit.api }),
  ];

  /** Each module's demo data, run in order after the organisations exist (see seed-demo.ts). */
  const demoSeedSteps: DemoSeedStep[] = [
    // A person with the seller role in each organisation, linked to its first demo seller (the seller portal).
    (world, tools) => seedCreditSalesDemo(creditSales.api, world, tools, async (person, ctx) => (await orgs.api.members.addMember(ctx, { ...person, roles: ['seller'], branch_ids: [] })).user_id),
    stockDemoStep(catalog.api, inventory.api),
    (world, tools) => seedBranchSyncDemo({ api: branchSync.api, audit: audit.api, secret_key: loadSecretKey(config), logger }, world, tools),
  ];

  const auth: AuthPorts = {
    resolveSession: (token, request) => identity.api.resolveSession(token, request, (org_id) => orgs.api.idleMinutesFor(org_id)),
    resolveApiKey: (token) => identity.api.resolveApiKey(token),
    permissionsInOrg: (session, org_id) => orgs.api.permissionsInOrg(session, org_id),
    platformPermissions,
  };

  return {
    modules,
    auth,
    seedDemo: () => seedDemo({
      db, logger, identity: identity.api, orgs: orgs.api, steps: demoSeedSteps,
      base_url: config.PUBLIC_URL?.replace(/\/$/, '') ?? null,
      sms_provider: config.SMS_PROVIDER,
    }),
    start: async () => { await identity.telegram?.start(); await branchSync.start(); await jobs?.start(); await identity.start(); await warehouse.start(); },
    stop: async () => { await jobs?.stop(); await branchSync.stop(); await identity.telegram?.stop(); },
  };
}
