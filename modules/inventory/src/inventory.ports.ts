import type { Ctx } from '@chaharsu/http';

/**
 * Warehouses belong to branches and are owned by the orgs module; inventory keeps their ids and asks
 * through this port (implemented in the composition root with the orgs API).
 */
export interface WarehouseDirectory {
  exists(ctx: Ctx, warehouse_id: string): Promise<boolean>;
  /** The organisation's default warehouse (stock rows are created there for new products), or null. */
  defaultWarehouseId(ctx: Ctx): Promise<string | null>;
}

/** Who is told about low stock in a warehouse (e.g. members holding `inventory.low_stock.notify` there). */
export interface StockAlertRecipients {
  lowStock(ctx: Ctx, warehouse_id: string): Promise<string[]>;
}
