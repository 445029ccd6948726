import { assert } from '@chaharsu/kit';

export type RoleScope = 'org' | 'platform';

export interface RoleDefinition {
  key: string;
  scope: RoleScope;
  /** Translation key of the role's name, shown in the staff screens. */
  label_key: string;
  permissions: readonly string[];
  /** Module roles may be given by owners/managers; `owner` only by owners. */
  assignable_by: readonly string[];
}

const roles = new Map<string, RoleDefinition>();
const permissions = new Set<string>();

export function definePermissions(list: readonly string[]): void {
  for (const p of list) {
    assert(/^[a-z_]+(\.[a-z_]+)+$/.test(p), `permission "${p}" must be dotted snake_case`);
    permissions.add(p);
  }
}

export function defineRole(role: RoleDefinition): RoleDefinition {
  assert(!roles.has(role.key), `role "${role.key}" defined twice`);
  for (const p of role.permissions) assert(p === '*' || permissions.has(p), `role "${role.key}" uses undefined permission "${p}"`);
  roles.set(role.key, role);
  return role;
}

/**
 * Adds a module's permissions to a built-in role (e.g. managers manage the catalog). Called by a module
 * at import time, after it defines its permissions; roles are plain data, so this stays one place to read.
 */
export function grantToRole(key: string, extra: readonly string[]): void {
  const role = roles.get(key);
  assert(role, `grantToRole: unknown role "${key}"`);
  for (const p of extra) assert(permissions.has(p), `grantToRole: undefined permission "${p}"`);
  roles.set(key, { ...role, permissions: [...new Set([...role.permissions, ...extra])] });
}

export function getRole(key: string): RoleDefinition | undefined {
  return roles.get(key);
}

export function listRoles(scope?: RoleScope): RoleDefinition[] {
  return [...roles.values()].filter((r) => !scope || r.scope === scope);
}

export function listPermissions(): string[] {
  return [...permissions].sort();
}

export function isKnownPermission(p: string): boolean {
  return permissions.has(p);
}

/** The union of the permissions of `roleKeys` (unknown roles add nothing). */
export function permissionsOfRoles(roleKeys: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const key of roleKeys) for (const p of roles.get(key)?.permissions ?? []) out.add(p);
  return out;
}

export function hasPermission(held: ReadonlySet<string>, permission: string): boolean {
  return held.has('*') || held.has(permission);
}

// ---- Built-in permissions and roles of the platform ----
export const PlatformPermissions = {
  leadsRead: 'platform.leads.read',
  orgsRead: 'platform.orgs.read',
  orgsManage: 'platform.orgs.manage',
  translationsManage: 'platform.translations.manage',
  auditRead: 'platform.audit.read',
} as const;

export const OrgPermissions = {
  read: 'org.read',
  settingsManage: 'org.settings.manage',
  branchesManage: 'org.branches.manage',
  staffRead: 'org.staff.read',
  staffManage: 'org.staff.manage',
  ownersManage: 'org.owners.manage',
  auditRead: 'audit.read',
  apiKeysManage: 'access.api_keys.manage',
} as const;

definePermissions(Object.values(PlatformPermissions));
definePermissions(Object.values(OrgPermissions));

export const PLATFORM_ADMIN = defineRole({
  key: 'platform_admin',
  scope: 'platform',
  label_key: 'roles.platform_admin',
  permissions: Object.values(PlatformPermissions),
  assignable_by: ['platform_admin'],
});

export const SUPPORT_PARTNER = defineRole({
  key: 'support_partner',
  scope: 'platform',
  label_key: 'roles.support_partner',
  permissions: [PlatformPermissions.orgsRead],
  assignable_by: ['platform_admin'],
});

export const OWNER = defineRole({
  key: 'owner',
  scope: 'org',
  label_key: 'roles.owner',
  permissions: ['*'],
  assignable_by: ['owner'],
});

export const MANAGER = defineRole({
  key: 'manager',
  scope: 'org',
  label_key: 'roles.manager',
  permissions: [OrgPermissions.read, OrgPermissions.settingsManage, OrgPermissions.branchesManage, OrgPermissions.staffRead, OrgPermissions.staffManage, OrgPermissions.auditRead],
  assignable_by: ['owner'],
});

/** What a support partner may do inside an organisation it supports (no owners, no money). */
export const SUPPORT_IN_ORG = defineRole({
  key: 'support',
  scope: 'org',
  label_key: 'roles.support',
  permissions: [OrgPermissions.read, OrgPermissions.settingsManage, OrgPermissions.branchesManage, OrgPermissions.staffRead, OrgPermissions.auditRead],
  assignable_by: [],
});

/** Any member may read the organisation's basic data. */
export const STAFF = defineRole({
  key: 'staff',
  scope: 'org',
  label_key: 'roles.staff',
  permissions: [OrgPermissions.read],
  assignable_by: ['owner', 'manager'],
});

export const MANAGER_TITLES = ['representative', 'supervisor', 'accountant'] as const;
export type ManagerTitle = (typeof MANAGER_TITLES)[number];
