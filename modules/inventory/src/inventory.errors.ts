import { defineErrorCodes } from '@chaharsu/kit';

export const InventoryErrors = defineErrorCodes({
  'inventory.insufficient_stock': 409,
  'inventory.item_not_found': 404,
  'inventory.item_needs_variant': 422,
  'inventory.warehouse_not_found': 404,
  'inventory.movement_not_found': 404,
  'inventory.already_reversed': 409,
  'inventory.cannot_reverse_reversal': 409,
  'inventory.adjust_no_change': 422,
  'inventory.adjust_quantity_required': 422,
  'inventory.transfer_same_warehouse': 422,
  'inventory.idempotency_key_reused': 409,
  'inventory.item_has_movements': 409,
  /** Too many movements queued in this server process (the movement lane): retry with the same key. */
  'inventory.busy': 429,
});
