import type { Ctx } from '@chaharsu/http';

/** A stock-keeping item: a product without variants, or one variant of a product. */
export interface CatalogItemRef {
  item_id: string;
  product_id: string;
  variant_id: string | null;
}

/**
 * In-transaction hooks other modules subscribe to (inventory creates stock levels when items are
 * created, and refuses deleting items that have stock history). They run inside the caller's
 * transaction because they keep data consistent; notifications to people go after commit elsewhere.
 */
export interface CatalogEvents {
  onItemsCreated(handler: (ctx: Ctx, items: CatalogItemRef[]) => Promise<void>): void;
  /** A handler throws an AppError to refuse the deletion. */
  onItemsDeleting(handler: (ctx: Ctx, items: CatalogItemRef[]) => Promise<void>): void;
}

export interface CatalogEventBus extends CatalogEvents {
  itemsCreated(ctx: Ctx, items: CatalogItemRef[]): Promise<void>;
  itemsDeleting(ctx: Ctx, items: CatalogItemRef[]): Promise<void>;
}

export function createCatalogEventBus(): CatalogEventBus {
  const created: Array<(ctx: Ctx, items: CatalogItemRef[]) => Promise<void>> = [];
  const deleting: Array<(ctx: Ctx, items: CatalogItemRef[]) => Promise<void>> = [];
  return {
    onItemsCreated: (handler) => { created.push(handler); },
    onItemsDeleting: (handler) => { deleting.push(handler); },
    async itemsCreated(ctx, items) {
      if (items.length === 0) return;
      for (const handler of created) await handler(ctx, items);
    },
    async itemsDeleting(ctx, items) {
      if (items.length === 0) return;
      for (const handler of deleting) await handler(ctx, items);
    },
  };
}
