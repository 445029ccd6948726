import { definePermissions, defineRole } from '@chaharsu/access';
import { InventoryPermissions } from '@chaharsu/inventory';
import { CatalogPermissions } from '@chaharsu/catalog';

/** Warehouse control (spec 05 W1): admin (everything), operator (stock in/out), viewer (read only). */
export const WarehousePermissions = {
  read: 'warehouse.read',
  /** Save IN/OUT movements (always with a face-confirmed employee). */
  move: 'warehouse.move',
  /** Ask for a face confirmation of an employee at the station. */
  faceConfirm: 'warehouse.face.confirm',
  employeesManage: 'warehouse.employees.manage',
  reverse: 'warehouse.reverse',
  backupsManage: 'warehouse.backups.manage',
} as const;

definePermissions(Object.values(WarehousePermissions));

const VIEW = [WarehousePermissions.read, InventoryPermissions.read, CatalogPermissions.read];
const OPERATE = [...VIEW, WarehousePermissions.move, WarehousePermissions.faceConfirm];

export const WAREHOUSE_VIEWER = defineRole({
  key: 'warehouse_viewer', scope: 'org', label_key: 'roles.warehouse_viewer', permissions: VIEW, assignable_by: ['owner', 'manager', 'warehouse_admin'],
});
export const WAREHOUSE_OPERATOR = defineRole({
  key: 'warehouse_operator', scope: 'org', label_key: 'roles.warehouse_operator', permissions: OPERATE, assignable_by: ['owner', 'manager', 'warehouse_admin'],
});
/** Users are added by warehouse admins through the orgs staff screens, which check `org.staff.manage`. */
export const WAREHOUSE_ADMIN = defineRole({
  key: 'warehouse_admin',
  scope: 'org',
  label_key: 'roles.warehouse_admin',
  permissions: [
    ...OPERATE, WarehousePermissions.employeesManage, WarehousePermissions.reverse, WarehousePermissions.backupsManage,
    InventoryPermissions.reverse, InventoryPermissions.minimumManage, 'org.staff.read', 'org.staff.manage',
  ],
  assignable_by: ['owner', 'manager'],
});
