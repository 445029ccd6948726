/** The permissions the warehouse screens check (the server's modules/warehouse/src/warehouse.permissions.ts decides). */
export const WarehousePermission = {
  read: 'warehouse.read',
  move: 'warehouse.move',
  faceConfirm: 'warehouse.face.confirm',
  employeesManage: 'warehouse.employees.manage',
  reverse: 'warehouse.reverse',
  backupsManage: 'warehouse.backups.manage',
  catalogRead: 'catalog.read',
} as const;
