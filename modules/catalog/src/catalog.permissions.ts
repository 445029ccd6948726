import { definePermissions } from '@chaharsu/access';

export const CatalogPermissions = {
  read: 'catalog.read',
  manage: 'catalog.manage',
  import: 'catalog.import',
  export: 'catalog.export',
} as const;

definePermissions(Object.values(CatalogPermissions));
