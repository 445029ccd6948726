/**
 * Staff of an organisation: add (by phone: the account is found or created), change roles, title and
 * branches, deactivate. Membership changes of one organisation are serialised by locking its row, so the
 * "at least one active owner" rule holds under concurrent requests.
 */
import { AppError, newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { Db, Tx } from '@chaharsu/db';
import { getRole, MANAGER, OWNER, OrgPermissions, hasPermission, SUPPORT_IN_ORG, type RoleDefinition } from '@chaharsu/access';
import type { UserDto } from '@chaharsu/identity';
import * as repo from './orgs.repository.js';
import { assignableRoles, canGrant, isAssignableRoleKey, MANAGER_TITLE_LABELS, PLATFORM_OPERATOR, resolveOrgAccess, type OrgAccess } from './orgs.access.js';
import { assertFound, orgIdOf, personOf, type OrgsDeps } from './orgs.context.js';
import type { AssignableRoles, Member, MemberInput, MemberPatch } from './orgs.contracts.js';
import type { MembershipRow } from './orgs.tables.js';

/** Roles that work in every branch of the organisation; everyone else works in the branches assigned. */
const ALL_BRANCH_ROLES = new Set([OWNER.key, SUPPORT_IN_ORG.key, PLATFORM_OPERATOR.key]);

export async function branchIdsOfAccess(db: Db | Tx, org_id: string, access: OrgAccess | null): Promise<string[]> {
  if (!access) return [];
  if (access.roles.some((r) => ALL_BRANCH_ROLES.has(r))) {
    return (await repo.listBranches(db, org_id)).filter((b) => b.active).map((b) => b.id);
  }
  if (!access.membership) return [];
  return (await repo.branchIdsByMembership(db, org_id, [access.membership.id])).get(access.membership.id) ?? [];
}

function memberDto(row: MembershipRow, user: UserDto | undefined, branch_ids: string[]): Member {
  return {
    membership_id: row.id, user_id: row.user_id, phone: user?.phone ?? '', display_name: user?.display_name ?? null,
    roles: row.roles, manager_title: row.manager_title, branch_ids, active: row.active, created_at: row.created_at.toISOString(),
  };
}

function rolesFrom(keys: readonly string[]): RoleDefinition[] {
  const unique = [...new Set(keys)];
  const unknown = unique.filter((k) => !isAssignableRoleKey(k));
  if (unknown.length) throw new AppError('orgs.unknown_role', { role: unknown.join(',') });
  return unique.map((k) => getRole(k)).filter((r): r is RoleDefinition => r !== undefined);
}

function checkTitle(roles: readonly string[], title: MembershipRow['manager_title']): void {
  const manager = roles.includes(MANAGER.key);
  if (manager && !title) throw new AppError('orgs.manager_title_required');
  if (!manager && title) throw new AppError('orgs.manager_title_without_manager');
}

export function createMembersService(deps: OrgsDeps) {
  const { identity, audit } = deps;

  /** The acting person's permissions and effective roles here (the system actor holds '*'). */
  async function actorOf(ctx: Ctx): Promise<{ permissions: ReadonlySet<string>; roles: string[] }> {
    if (ctx.actor.kind !== 'user') return { permissions: ctx.permissions, roles: [] };
    const access = await resolveOrgAccess(ctx.db, personOf(ctx), orgIdOf(ctx));
    return { permissions: ctx.permissions, roles: access?.roles ?? [] };
  }

  /** Giving or taking away `roles` (and touching an owner at all) needs the right to grant each of them. */
  function checkGrants(actor: { permissions: ReadonlySet<string>; roles: string[] }, roles: readonly string[]): void {
    for (const role of rolesFrom(roles)) {
      if (canGrant(actor, role)) continue;
      throw new AppError(role.key === OWNER.key ? 'orgs.owners_only' : 'orgs.role_not_grantable', { role: role.key });
    }
  }

  async function checkBranches(ctx: Ctx, branch_ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(branch_ids)];
    const found = await repo.existingBranchIds(ctx.db, orgIdOf(ctx), unique);
    if (found.size !== unique.length) throw new AppError('orgs.unknown_branch');
    return unique.sort();
  }

  async function toDto(ctx: Ctx, row: MembershipRow): Promise<Member> {
    const [user] = await identity.getUsers(ctx, [row.user_id]);
    const branches = await repo.branchIdsByMembership(ctx.db, row.org_id, [row.id]);
    return memberDto(row, user, branches.get(row.id) ?? []);
  }

  async function ensureAnOwnerRemains(ctx: Ctx, org_id: string): Promise<void> {
    if ((await repo.countActiveOwners(ctx.db, org_id)) === 0) throw new AppError('orgs.last_owner');
  }

  return {
    async listMembers(ctx: Ctx): Promise<{ items: Member[] }> {
      const org_id = orgIdOf(ctx);
      const rows = await repo.listMembers(ctx.db, org_id);
      const users = new Map((rows.length ? await identity.getUsers(ctx, rows.map((r) => r.user_id)) : []).map((u) => [u.id, u]));
      const branches = await repo.branchIdsByMembership(ctx.db, org_id, rows.map((r) => r.id));
      return { items: rows.map((r) => memberDto(r, users.get(r.user_id), branches.get(r.id) ?? [])) };
    },

    async addMember(ctx: Ctx, input: MemberInput): Promise<Member> {
      const org_id = orgIdOf(ctx);
      const roles = rolesFrom(input.roles).map((r) => r.key);
      const title = input.manager_title ?? null;
      checkTitle(roles, title);
      checkGrants(await actorOf(ctx), roles);
      const branch_ids = await checkBranches(ctx, input.branch_ids);
      await repo.lockOrganisation(ctx.db, org_id);
      const user = await identity.findOrCreateUserByPhone(ctx, input.phone, input.display_name ?? null);
      const existing = await repo.findMembershipOfUser(ctx.db, org_id, user.id);
      if (existing?.active) throw new AppError('orgs.already_member', { membership_id: existing.id });
      const before = existing ? await toDto(ctx, existing) : null;
      const row = existing
        ? await repo.updateMembership(ctx.db, org_id, existing.id, { roles, manager_title: title, active: true })
        : await repo.insertMembership(ctx.db, { org_id, id: newId(), user_id: user.id, roles, manager_title: title, active: true });
      await repo.replaceMembershipBranches(ctx.db, org_id, row.id, branch_ids);
      const after = memberDto(row, user, branch_ids);
      await audit.record(ctx, { action: 'orgs.member.add', entity_type: 'membership', entity_id: row.id, before, after });
      return after;
    },

    async updateMember(ctx: Ctx, membership_id: string, patch: MemberPatch): Promise<Member> {
      const org_id = orgIdOf(ctx);
      await repo.lockOrganisation(ctx.db, org_id);
      const current = assertFound(await repo.findMembership(ctx.db, org_id, membership_id), 'orgs.member_not_found');
      const roles = patch.roles ? rolesFrom(patch.roles).map((r) => r.key) : current.roles;
      const title = patch.manager_title !== undefined ? patch.manager_title : roles.includes(MANAGER.key) ? current.manager_title : null;
      checkTitle(roles, title);
      const active = patch.active ?? current.active;
      const actor = await actorOf(ctx);
      const changedRoles = [...roles.filter((r) => !current.roles.includes(r)), ...current.roles.filter((r) => !roles.includes(r))];
      // Deactivating (or reactivating) someone is like taking away (or giving) every role they hold.
      checkGrants(actor, active !== current.active ? [...new Set([...roles, ...current.roles])] : changedRoles);
      if ((current.roles.includes(OWNER.key) || roles.includes(OWNER.key)) && !hasPermission(actor.permissions, OrgPermissions.ownersManage)) {
        throw new AppError('orgs.owners_only');
      }
      const before = await toDto(ctx, current);
      const row = await repo.updateMembership(ctx.db, org_id, membership_id, { roles, manager_title: title, active });
      if (patch.branch_ids) await repo.replaceMembershipBranches(ctx.db, org_id, membership_id, await checkBranches(ctx, patch.branch_ids));
      await ensureAnOwnerRemains(ctx, org_id);
      const after = await toDto(ctx, row);
      await audit.record(ctx, { action: active === current.active ? 'orgs.member.update' : active ? 'orgs.member.activate' : 'orgs.member.deactivate', entity_type: 'membership', entity_id: membership_id, before, after });
      return after;
    },

    async assignableRoles(ctx: Ctx): Promise<AssignableRoles> {
      const actor = await actorOf(ctx);
      return {
        items: assignableRoles().map((role) => ({ key: role.key, label_key: role.label_key, permissions: [...role.permissions], grantable: canGrant(actor, role) })),
        manager_titles: MANAGER_TITLE_LABELS,
      };
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
