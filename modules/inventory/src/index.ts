import type { z } from 'zod';
import { AppError, assert, type RequestContext } from '@chaharsu/kit';
import type { Ctx, ModuleDefinition } from '@chaharsu/http';
import { inventoryMigrations } from './migrations/index.js';
import { inventoryRoutes } from './inventory.routes.js';
import { createInventoryService, type InventoryDeps, type MoveOptions } from './inventory.service.js';
import { createMovementLane, type SubmitOptions } from './movement-lane.js';
import type {
  AdjustmentCreate, MinimumBody, MovementCreate, MovementDto, MovementPage, MovementQuery, MoveResult, ReversalCreate, StockLevelDto,
  StockListQuery, StockPage, StockQuery,
} from './inventory.contracts.js';
import { MovementCreate as MovementCreateSchema, AdjustmentCreate as AdjustmentCreateSchema } from './inventory.contracts.js';

export * from './inventory.contracts.js';
export { InventoryErrors } from './inventory.errors.js';
export { InventoryPermissions } from './inventory.permissions.js';
export type { WarehouseDirectory, StockAlertRecipients } from './inventory.ports.js';
export type { MoveOptions, InventoryDeps } from './inventory.service.js';
export type { SubmitOptions, BatchCheck } from './movement-lane.js';

/** The inventory's public API: every method runs in the caller's transaction (`ctx.db`). */
export interface InventoryApi {
  /** IN / OUT / TRANSFER; input is validated with the MovementCreate schema. */
  move(ctx: Ctx, input: MovementCreate | Record<string, unknown>, options?: MoveOptions): Promise<MoveResult>;
  /**
   * The same, grouped with other requests' movements into one transaction (the movement lane, decision 0012):
   * called outside any transaction, resolves after the commit; `options.after` adds rows to that transaction.
   * Needs `db` in the module's deps.
   */
  submitMove(ctx: RequestContext, input: MovementCreate | Record<string, unknown>, options?: SubmitOptions): Promise<MoveResult>;
  adjust(ctx: Ctx, input: AdjustmentCreate | Record<string, unknown>, options?: MoveOptions): Promise<MoveResult>;
  reverse(ctx: Ctx, movement_id: string, input: ReversalCreate, options?: MoveOptions): Promise<MoveResult>;
  getMovement(ctx: Ctx, id: string): Promise<MovementDto>;
  listMovements(ctx: Ctx, query: MovementQuery): Promise<MovementPage>;
  listStock(ctx: Ctx, query: StockQuery): Promise<StockPage>;
  lowStock(ctx: Ctx, query: StockListQuery): Promise<StockPage>;
  negativeStock(ctx: Ctx, query: StockListQuery): Promise<StockPage>;
  quantities(ctx: Ctx, warehouse_id: string, item_ids: string[]): Promise<Map<string, number>>;
  setItemMinimum(ctx: Ctx, item_id: string, body: MinimumBody): Promise<{ item_id: string; min_quantity: number | null }>;
  setWarehouseMinimum(ctx: Ctx, warehouse_id: string, item_id: string, body: MinimumBody): Promise<StockLevelDto>;
}

/** Validates what another module passes, as a route would: a bad input is a 422 with the fields, not a 500. */
function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('common.validation_failed', {}, result.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code })));
  }
  return result.data;
}

/** Wires inventory to the catalog's item hooks (stock rows for new items; no deleting items with history). */
export function createInventoryModule(deps: InventoryDeps): ModuleDefinition & { api: InventoryApi } {
  const service = createInventoryService(deps);
  const lane = deps.db ? createMovementLane({
    db: deps.db, audit: deps.audit, warehouses: deps.warehouses, service,
    ...(deps.logger ? { logger: deps.logger } : {}), ...(deps.movement_lane ? { limits: deps.movement_lane } : {}),
  }) : null;
  deps.catalog.events.onItemsCreated((ctx, items) => service.onItemsCreated(ctx, items));
  deps.catalog.events.onItemsDeleting((ctx, items) => service.onItemsDeleting(ctx, items));
  const api: InventoryApi = {
    move: (ctx, input, options) => service.move(ctx, parse(MovementCreateSchema, input), options),
    submitMove: async (ctx, input, options) => {
      assert(lane, 'inventory.submitMove needs the database in the module\'s deps');
      return lane.submit(ctx, parse(MovementCreateSchema, input), options);
    },
    adjust: (ctx, input, options) => service.adjust(ctx, parse(AdjustmentCreateSchema, input), options),
    reverse: service.reverse,
    getMovement: service.getMovement,
    listMovements: service.listMovements,
    listStock: service.listStock,
    lowStock: service.lowStock,
    negativeStock: service.negativeStock,
    quantities: service.quantities,
    setItemMinimum: service.setItemMinimum,
    setWarehouseMinimum: service.setWarehouseMinimum,
  };
  return { name: 'inventory', api, migrations: inventoryMigrations, routes: inventoryRoutes(service, lane) };
}
