import { IconBarcode, IconDatabaseExport, IconHistory, IconQrcode, IconUserScan } from '@tabler/icons-react';
import type { ModuleRegistration } from '../../app/registry';
import { WarehousePermission as P } from './permissions';

/** Warehouse control (spec 05): the station (scan → face → move), employees with face enrolment, history, backups, QR labels. */
export const warehouseModule: ModuleRegistration = {
  key: 'warehouse',
  pages: [
    {
      path: '/warehouse/station', page_key: 'warehouse_station', area: 'panel', permission: P.move, component: () => import('./station.screen'),
      nav: { group: 'main', order: 40, icon: IconBarcode, shortcut: 'g w' },
    },
    {
      path: '/warehouse/history', page_key: 'warehouse_history', area: 'panel', permission: P.read, component: () => import('./history.screen'),
      nav: { group: 'main', order: 41, icon: IconHistory },
    },
    {
      path: '/warehouse/employees', page_key: 'warehouse_employees', area: 'panel', permission: P.read, component: () => import('./employees.screen'),
      nav: { group: 'main', order: 42, icon: IconUserScan },
    },
    {
      path: '/warehouse/labels', page_key: 'warehouse_labels', area: 'panel', permission: P.catalogRead, component: () => import('./labels.screen'),
      nav: { group: 'main', order: 43, icon: IconQrcode },
    },
    {
      path: '/warehouse/backups', page_key: 'warehouse_backups', area: 'panel', permission: P.backupsManage, component: () => import('./backups.screen'),
      nav: { group: 'main', order: 44, icon: IconDatabaseExport },
    },
  ],
};
