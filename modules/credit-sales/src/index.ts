/**
 * Credit sales (B2B mobile top-up on credit). See README.md.
 * Public surface: `createCreditSalesModule(deps)` → { api, routes, migrations }, permissions and roles,
 * the API-key cache the composition root may put in front of identity.
 */
import { definePermissions, defineRole } from '@chaharsu/access';
import { LedgerPermissions } from '@chaharsu/ledger';
import type { ModuleDefinition } from '@chaharsu/http';
import { creditSalesMigrations } from './migrations/index.js';
import { createSellerDirectory } from './seller-directory.js';
import { createChargeBatcher } from './charge-batcher.js';
import { createSellersService } from './sellers.service.js';
import { createRequestsService } from './requests.service.js';
import { createCorrectionsService } from './corrections.service.js';
import { createChargesService } from './charges.service.js';
import { createReportsService } from './reports.service.js';
import { creditSalesRoutes, CreditSalesPermissions } from './credit-sales.routes.js';
import type { CreditSalesDeps } from './credit-sales.shared.js';

export * from './credit-sales.contracts.js';
export { CreditSalesErrors } from './credit-sales.errors.js';
export { CreditSalesPermissions } from './credit-sales.routes.js';
export { parseMobile, normaliseMobile, operatorOf, OPERATORS, type Operator } from './phone.js';
export { CHARGE_SCOPE, type CreditSalesDeps, type ApiKeyIssuer } from './credit-sales.shared.js';
export type { CreditSalesReconcile, SellerReconcileLine } from './reports.service.js';

definePermissions(Object.values(CreditSalesPermissions));

/** The organisation's credit-sales administrators: sellers, the requests queue, corrections, the reconcile. */
export const CREDIT_SALES_ADMIN = defineRole({
  key: 'credit_sales_admin',
  scope: 'org',
  label_key: 'roles.credit_sales_admin',
  permissions: [CreditSalesPermissions.read, CreditSalesPermissions.manage, CreditSalesPermissions.review, LedgerPermissions.read, LedgerPermissions.reconcile],
  assignable_by: ['owner', 'manager'],
});

/** A person acting for one seller (linked in credit_sales.seller_user): the seller portal only. */
export const SELLER = defineRole({
  key: 'seller',
  scope: 'org',
  label_key: 'roles.seller',
  permissions: [CreditSalesPermissions.portal],
  assignable_by: ['owner', 'manager'],
});

export function createCreditSalesServices(deps: CreditSalesDeps) {
  const shared = { ...deps, sellers: createSellerDirectory(deps.db) };
  const sellers = createSellersService(shared);
  const batcher = createChargeBatcher({ db: deps.db, logger: deps.logger });
  return {
    sellers,
    requests: createRequestsService(shared, sellers),
    corrections: createCorrectionsService(shared, sellers),
    charges: createChargesService(shared, batcher),
    reports: createReportsService(shared),
  };
}
export type CreditSalesServices = ReturnType<typeof createCreditSalesServices>;
export type CreditSalesApi = CreditSalesServices;

export function createCreditSalesModule(deps: CreditSalesDeps): ModuleDefinition & { api: CreditSalesApi } {
  const api = createCreditSalesServices(deps);
  return { name: 'credit-sales', api, migrations: creditSalesMigrations, routes: creditSalesRoutes(api) };
}
