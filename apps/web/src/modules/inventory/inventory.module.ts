import { IconBell, IconBuildingWarehouse, IconTransfer } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';
import { InventoryPermission as P } from '../catalog/permissions';

/** Inventory reports (modules/inventory) and the person's notifications (modules/notify). */
export const inventoryModule: ModuleRegistration = {
  key: 'inventory',
  pages: [
    {
      path: '/inventory/stock', page_key: 'inventory_stock', area: 'panel', permission: P.read, component: () => import('./stock.screen'),
      nav: { group: 'main', order: 53, icon: IconBuildingWarehouse, shortcut: 'g i' },
    },
    { path: '/inventory/low-stock', page_key: 'inventory_low_stock', area: 'panel', permission: P.read, component: () => import('./low-stock.screen') },
    {
      path: '/inventory/movements', page_key: 'inventory_movements', area: 'panel', permission: P.read, component: () => import('./movements.screen'),
      nav: { group: 'main', order: 54, icon: IconTransfer },
    },
    {
      path: '/notifications', page_key: 'notifications', area: 'panel', component: () => import('./notifications.screen'),
      nav: { group: 'account', order: 40, icon: IconBell, shortcut: 'g n' },
    },
  ],
};
