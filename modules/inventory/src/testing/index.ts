/**
 * Test wiring of catalog + inventory + notify on a real database, with the module edges that belong to
 * other modules (orgs: warehouses and who is told about low stock) replaced by small in-memory fakes.
 */
import pino from 'pino';
import { inTransaction, type Db } from '@chaharsu/db';
import { newId, type Actor, type RequestContext } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { createAuditApi } from '@chaharsu/audit';
import { createCatalogModule, type CatalogApi } from '@chaharsu/catalog';
import { createNotifyApi, type NotifyApi } from '@chaharsu/notify';
import { createInventoryModule, type InventoryApi } from '../index.js';
import type { StockAlertRecipients, WarehouseDirectory } from '../inventory.ports.js';

export interface FakeOrgs extends WarehouseDirectory, StockAlertRecipients {
  /** Registers a warehouse of an organisation; the first one of an organisation is its default. */
  addWarehouse(org_id: string, warehouse_id?: string): string;
  /** People told about low stock in an organisation. */
  setLowStockRecipients(org_id: string, user_ids: string[]): void;
}

export function createFakeOrgs(): FakeOrgs {
  const warehouses = new Map<string, string[]>();
  const recipients = new Map<string, string[]>();
  return {
    addWarehouse(org_id, warehouse_id = newId()) {
      warehouses.set(org_id, [...(warehouses.get(org_id) ?? []), warehouse_id]);
      return warehouse_id;
    },
    setLowStockRecipients(org_id, user_ids) { recipients.set(org_id, user_ids); },
    async exists(ctx, warehouse_id) { return (warehouses.get(ctx.org_id ?? '') ?? []).includes(warehouse_id); },
    async defaultWarehouseId(ctx) { return warehouses.get(ctx.org_id ?? '')?.[0] ?? null; },
    async lowStock(ctx) { return recipients.get(ctx.org_id ?? '') ?? []; },
  };
}

export interface StockModules {
  catalog: CatalogApi;
  inventory: InventoryApi;
  notify: NotifyApi;
  orgs: FakeOrgs;
  modules: ReturnType<typeof createCatalogModule | typeof createInventoryModule>[];
}

/** `db`: the pool the movement lane opens its transactions on (needed for `inventory.submitMove`). */
export function createStockModules(orgs: FakeOrgs = createFakeOrgs(), options: { db?: Db; movement_lane?: { max_batch?: number; max_queued?: number } } = {}): StockModules {
  const audit = createAuditApi();
  const notify = createNotifyApi();
  const catalog = createCatalogModule({ audit });
  const inventory = createInventoryModule({ ...(options.db ? { db: options.db } : {}), ...(options.movement_lane ? { movement_lane: options.movement_lane } : {}), audit, catalog: catalog.api, notify, warehouses: orgs, recipients: orgs });
  return { catalog: catalog.api, inventory: inventory.api, notify, orgs, modules: [catalog, inventory] };
}

const logger = pino({ level: 'silent' });

/** A request's context (no transaction) of `user_id` (a person) in `org_id`. */
export function userContext(org_id: string | null, user_id: string): RequestContext {
  const actor: Actor = { kind: 'user', user_id, session_id: null, is_platform_admin: false, is_support_partner: false };
  return { request_id: `test:${newId()}`, actor, org_id, branch_id: null, permissions: new Set(['*']), ip: '127.0.0.1', user_agent: 'test', locale: 'fa', logger };
}

/** Runs `fn` in one transaction as `user_id` (a person) in `org_id`, like a request would. */
export function asUser<T>(db: Db, org_id: string | null, user_id: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return inTransaction(db, { org_id, user_id }, (tx) => fn({ ...userContext(org_id, user_id), db: tx }));
}
