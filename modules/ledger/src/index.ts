/**
 * The double-entry ledger shared by every module that moves money or credit. See README.md.
 * Public surface: `createLedgerModule()` → { api, routes, migrations }, the API types, the permissions.
 */
import { definePermissions } from '@chaharsu/access';
import { IdParams } from '@chaharsu/http';
import type { App, ModuleDefinition } from '@chaharsu/http';
import { ledgerMigrations } from './migrations/index.js';
import { createLedgerService, type LedgerApi } from './ledger.service.js';
import { AccountPage, AccountsQuery, ReconcileReport, Statement, StatementQuery } from './ledger.contracts.js';
import './ledger.errors.js';

export * from './ledger.contracts.js';
export { LedgerErrors } from './ledger.errors.js';
export { createLedgerService, MAX_TRANSFERS_PER_POST } from './ledger.service.js';
export type { LedgerApi, OpenAccountInput, TransferInput, PostedTransfer, TransferOutcome, LockedAccounts, PostMode } from './ledger.service.js';

export const LedgerPermissions = {
  read: 'ledger.read',
  reconcile: 'ledger.reconcile',
} as const;
definePermissions(Object.values(LedgerPermissions));

function ledgerRoutes(api: LedgerApi) {
  return (app: App): void => {
    app.get('/api/ledger/accounts', {
      schema: { tags: ['ledger'], querystring: AccountsQuery, response: { 200: AccountPage } },
      config: { access: { auth: 'org', permission: LedgerPermissions.read } },
    }, (req) => req.tx((ctx) => api.listAccounts(ctx, req.query)));
    app.get('/api/ledger/accounts/:id/statement', {
      schema: { tags: ['ledger'], params: IdParams, querystring: StatementQuery, response: { 200: Statement } },
      config: { access: { auth: 'org', permission: LedgerPermissions.read } },
    }, (req) => req.tx((ctx) => api.statement(ctx, req.params.id, req.query)));
    app.get('/api/ledger/reconcile', {
      schema: { tags: ['ledger'], response: { 200: ReconcileReport } },
      config: { access: { auth: 'org', permission: LedgerPermissions.reconcile } },
    }, (req) => req.tx((ctx) => api.reconcile(ctx)));
  };
}

export function createLedgerModule(api: LedgerApi = createLedgerService()): ModuleDefinition & { api: LedgerApi } {
  return { name: 'ledger', api, migrations: ledgerMigrations, routes: ledgerRoutes(api) };
}
