import { definePermissions, grantToRole } from '@chaharsu/access';

export const InventoryPermissions = {
  read: 'inventory.read',
  /** Receipts (IN), issues (OUT) and transfers. */
  move: 'inventory.move',
  /** Stock counts and corrections (ADJUST). */
  adjust: 'inventory.adjust',
  /** Counter-movements cancelling a movement (warehouse admin). */
  reverse: 'inventory.reverse',
  /** Minimum stock per item and per warehouse. */
  minimumManage: 'inventory.minimum.manage',
  /** Marks the people told about low stock (the composition root resolves them through orgs). */
  lowStockNotify: 'inventory.low_stock.notify',
} as const;

definePermissions(Object.values(InventoryPermissions));

/** Managers see and correct stock and set minimums; reversal stays with owners and warehouse admins. */
grantToRole('manager', [InventoryPermissions.read, InventoryPermissions.move, InventoryPermissions.adjust, InventoryPermissions.minimumManage, InventoryPermissions.lowStockNotify]);
