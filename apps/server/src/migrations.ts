import type { ModuleMigration } from '@chaharsu/db';
import { auditMigrations } from '@chaharsu/audit/migrations';
import { jobsMigrations } from '@chaharsu/jobs/migrations';
import { warehouseMigrations } from '@chaharsu/warehouse/migrations';
import { identityMigrations } from '@chaharsu/identity/migrations';
import { orgsMigrations } from '@chaharsu/orgs/migrations';
import { ledgerMigrations } from '@chaharsu/ledger/migrations';
import { creditSalesMigrations } from '@chaharsu/credit-sales/migrations';
import { catalogMigrations } from '@chaharsu/catalog/migrations';
import { inventoryMigrations } from '@chaharsu/inventory/migrations';
import { notifyMigrations } from '@chaharsu/notify/migrations';
import { branchSyncMigrations } from '@chaharsu/branch-sync/migrations';
import { contentMigrations } from '@chaharsu/content/migrations';

/** Every module's migrations; the migrator runs them in name (time) order. Add a module here when it is added. */
export function allMigrations(): ModuleMigration[][] {
  return [auditMigrations, jobsMigrations, identityMigrations, orgsMigrations, ledgerMigrations, creditSalesMigrations, catalogMigrations, inventoryMigrations, warehouseMigrations, notifyMigrations, branchSyncMigrations, contentMigrations];
}
