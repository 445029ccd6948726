/** Every module with screens. Adding a module's screens = one line here (see app/registry.ts). */
import type { ModuleRegistration, PageDefinition } from './registry';
import { identityModule } from '../modules/identity/identity.module';
import { orgsModule } from '../modules/orgs/orgs.module';
import { auditModule } from '../modules/audit/audit.module';
import { platformModule } from '../modules/platform/platform.module';
import { contentModule } from '../modules/content/content.module';
import { creditSalesModule } from '../modules/credit-sales/credit-sales.module';
import { warehouseModule } from '../modules/warehouse/warehouse.module';
import { catalogModule } from '../modules/catalog/catalog.module';
import { inventoryModule } from '../modules/inventory/inventory.module';
import { branchSyncModule } from '../modules/branch-sync/branch-sync.module';

export const modules: ModuleRegistration[] = [identityModule, orgsModule, auditModule, platformModule, contentModule, creditSalesModule, warehouseModule, catalogModule, inventoryModule, branchSyncModule];

export const allPages: PageDefinition[] = modules.flatMap((m) => m.pages);
