/**
 * Who may act in an organisation, and with which permissions. One rule, used by the server's access
 * hook (every org route), by the organisation chooser and by "select organisation":
 *
 * - an active membership in an active organisation gives the permissions of its roles;
 * - the organisation's support partner (a person flagged support partner on their account and linked to the
 *   organisation) gets the `support` role — only while the owner allows staff from outside the organisation;
 * - a platform admin may enter any organisation (active or not) with the `platform_operator` role: settings,
 *   branches, staff and owners, audit — never a business module's permissions (they do not sell, move stock
 *   or money in a customer's name). Every action is audited under their own account;
 * - roles add up (a person who is both a member and the support partner holds both).
 */
import { defineRole, getRole, hasPermission, listRoles, OrgPermissions, OWNER, permissionsOfRoles, SUPPORT_IN_ORG, type RoleDefinition } from '@chaharsu/access';
import type { Db, Tx } from '@chaharsu/db';
import { MANAGER_TITLES } from './orgs.contracts.js';
import type { MembershipRow, OrganisationRow } from './orgs.tables.js';
import { findMembershipOfUser, findOrganisation } from './orgs.repository.js';

/** What a platform admin may do inside a customer's organisation (see above). Not assignable. */
export const PLATFORM_OPERATOR = defineRole({
  key: 'platform_operator',
  scope: 'org',
  label_key: 'roles.platform_operator',
  permissions: [
    OrgPermissions.read, OrgPermissions.settingsManage, OrgPermissions.branchesManage, OrgPermissions.staffRead,
    OrgPermissions.staffManage, OrgPermissions.ownersManage, OrgPermissions.auditRead,
  ],
  assignable_by: [],
});

export interface Person {
  user_id: string;
  is_platform_admin: boolean;
  is_support_partner: boolean;
}

export type Via = 'membership' | 'support' | 'platform';

export interface OrgAccess {
  org: OrganisationRow;
  membership: MembershipRow | null;
  /** Effective roles: the membership's, plus `support` / `platform_operator` when those apply. */
  roles: string[];
  via: Via;
  permissions: Set<string>;
}

export function accessOf(person: Person, org: OrganisationRow, membership: MembershipRow | null): OrgAccess | null {
  const roles: string[] = [];
  const vias: Via[] = [];
  if (org.active && membership?.active) {
    roles.push(...membership.roles);
    vias.push('membership');
  }
  if (org.active && person.is_support_partner && org.support_partner_user_id === person.user_id && org.allow_external_staff) {
    roles.push(SUPPORT_IN_ORG.key);
    vias.push('support');
  }
  if (person.is_platform_admin) {
    roles.push(PLATFORM_OPERATOR.key);
    vias.push('platform');
  }
  const via = vias[0];
  if (!via) return null;
  const unique = [...new Set(roles)];
  // Whoever may act in an organisation may read its basic data (name, settings, their own roles): a person
  // holding only a module role (seller, warehouse operator) still opens the panel shell.
  const permissions = permissionsOfRoles(unique);
  permissions.add(OrgPermissions.read);
  return { org, membership: membership ?? null, roles: unique, via, permissions };
}

/** Reads what `accessOf` needs; the caller's transaction must see the organisation (current org, member, partner or admin). */
export async function resolveOrgAccess(db: Db | Tx, person: Person, org_id: string): Promise<OrgAccess | null> {
  const org = await findOrganisation(db, org_id);
  if (!org) return null;
  const membership = await findMembershipOfUser(db, org_id, person.user_id);
  return accessOf(person, org, membership ?? null);
}

/** The organisation roles an owner or manager may hand out (not `support` or `platform_operator`). */
export function assignableRoles(): RoleDefinition[] {
  return listRoles('org').filter((role) => role.assignable_by.length > 0);
}

/**
 * Whether an actor (their permissions and effective roles in the organisation) may give or take away `role`.
 * `owner` needs org.owners.manage; whoever holds org.owners.manage may hand out any role; otherwise the actor
 * needs org.staff.manage and one of the role's `assignable_by` roles (a manager gives staff and module roles).
 */
export function canGrant(actor: { permissions: ReadonlySet<string>; roles: readonly string[] }, role: RoleDefinition): boolean {
  if (role.assignable_by.length === 0) return false;
  if (hasPermission(actor.permissions, OrgPermissions.ownersManage)) return true;
  if (role.key === OWNER.key) return false;
  if (!hasPermission(actor.permissions, OrgPermissions.staffManage)) return false;
  return role.assignable_by.some((key) => actor.roles.includes(key));
}

export function isAssignableRoleKey(key: string): boolean {
  const role = getRole(key);
  return role !== undefined && role.scope === 'org' && role.assignable_by.length > 0;
}

export const MANAGER_TITLE_LABELS = MANAGER_TITLES.map((key) => ({ key, label_key: `roles.manager_titles.${key}` }));
