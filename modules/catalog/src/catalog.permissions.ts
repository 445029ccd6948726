import { definePermissions, grantToRole } from '@chaharsu/access';

export const CatalogPermissions = {
  read: 'catalog.read',
  manage: 'catalog.manage',
  import: 'catalog.import',
  export: 'catalog.export',
} as const;

definePermissions(Object.values(CatalogPermissions));

/** The owner's representatives run the catalog with them (spec 00 §P2.3). */
grantToRole('manager', Object.values(CatalogPermissions));
