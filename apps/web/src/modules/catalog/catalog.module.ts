import { IconCategory, IconFileSpreadsheet, IconPackage } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';
import { CatalogPermission as P } from './permissions';

/** The catalog (modules/catalog): products, the category tree with its attributes, Excel import/export. */
export const catalogModule: ModuleRegistration = {
  key: 'catalog',
  pages: [
    {
      path: '/catalog/products', page_key: 'catalog_products', area: 'panel', permission: P.read, component: () => import('./products.screen'),
      nav: { group: 'main', order: 50, icon: IconPackage, shortcut: 'g k' },
    },
    {
      path: '/catalog/categories', page_key: 'catalog_categories', area: 'panel', permission: P.read, component: () => import('./categories.screen'),
      nav: { group: 'main', order: 51, icon: IconCategory },
    },
    {
      path: '/catalog/import', page_key: 'catalog_import', area: 'panel', permission: P.import, component: () => import('./import.screen'),
      nav: { group: 'main', order: 52, icon: IconFileSpreadsheet },
    },
  ],
};
