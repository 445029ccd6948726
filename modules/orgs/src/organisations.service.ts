/** The organisation chooser, the current organisation and its settings, and the platform's organisation list. */
import { AppError, newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { OWNER } from '@chaharsu/access';
import type { UserDto } from '@chaharsu/identity';
import * as repo from './orgs.repository.js';
import { resolveOrgAccess, type OrgAccess } from './orgs.access.js';
import { orgIdOf, personOf, uniqueViolation, withOrgScope, assertFound, type OrgsDeps } from './orgs.context.js';
import { branchIdsOfAccess } from './members.service.js';
import type {
  CurrentOrganisation, MyOrganisation, MyOrganisations, OrgSettings, OrgSettingsPatch, PlatformOrganisation,
  PlatformOrganisationInput, PlatformOrganisationPatch, PlatformOrganisationQuery, SelectedOrganisation,
} from './orgs.contracts.js';
import type { OrganisationRow } from './orgs.tables.js';

export function settingsOf(org: OrganisationRow): OrgSettings {
  return { allow_external_staff: org.allow_external_staff, session_idle_minutes: org.session_idle_minutes, money_unit: org.money_unit };
}

function platformDto(org: OrganisationRow, partner: UserDto | null): PlatformOrganisation {
  return {
    id: org.org_id, slug: org.slug, name: org.name, active: org.active, allow_external_staff: org.allow_external_staff,
    support_partner: partner ? { user_id: partner.id, name: partner.display_name, phone: partner.phone } : null,
    created_at: org.created_at.toISOString(),
  };
}

export function createOrganisationsService(deps: OrgsDeps) {
  const { identity, audit } = deps;

  async function supportPartnerByPhone(ctx: Ctx, phone: string): Promise<UserDto> {
    const user = await identity.findOrCreateUserByPhone(ctx, phone);
    return user.is_support_partner ? user : identity.setPlatformRoles(ctx, user.id, { is_support_partner: true });
  }

  /** The access the acting person has in `org_id`, refusing with the reason when there is none. */
  async function accessOrRefuse(ctx: Ctx, org_id: string): Promise<OrgAccess> {
    const person = personOf(ctx);
    const access = await resolveOrgAccess(ctx.db, person, org_id);
    if (access) return access;
    const org = await repo.findOrganisation(ctx.db, org_id);
    if (org?.active && person.is_support_partner && org.support_partner_user_id === person.user_id) {
      throw new AppError('orgs.external_staff_not_allowed');
    }
    throw new AppError('orgs.not_a_member');
  }

  return {
    /** What the web needs after sign-in: where the person may work, which one is default, last used, current. */
    async myOrganisations(ctx: Ctx, session: { current_org_id: string | null }): Promise<MyOrganisations> {
      const person = personOf(ctx);
      const setting = await repo.findPersonSetting(ctx.db, person.user_id);
      const items: MyOrganisation[] = (await repo.listMembershipsOfUser(ctx.db, person.user_id)).map((m) => ({
        org_id: m.org_id, slug: m.slug, name: m.name, roles: m.roles, manager_title: m.manager_title,
        is_default: setting?.default_org_id === m.org_id, last_used_at: m.last_used_at?.toISOString() ?? null, via: 'membership',
      }));
      const listed = (org_id: string): boolean => items.some((i) => i.org_id === org_id);
      if (person.is_support_partner) {
        for (const org of await repo.listEnterableSupportedOrganisations(ctx.db, person.user_id)) {
          if (listed(org.org_id)) continue;
          items.push({ org_id: org.org_id, slug: org.slug, name: org.name, roles: ['support'], manager_title: null,
            is_default: setting?.default_org_id === org.org_id, last_used_at: null, via: 'support' });
        }
      }
      const current = session.current_org_id;
      if (current && !listed(current) && person.is_platform_admin) {
        const org = await repo.findOrganisation(ctx.db, current);
        if (org) items.push({ org_id: org.org_id, slug: org.slug, name: org.name, roles: ['platform_operator'], manager_title: null, is_default: false, last_used_at: null, via: 'platform' });
      }
      const ifListed = (org_id: string | null | undefined): string | null => (org_id && listed(org_id) ? org_id : null);
      return { items, default_org_id: ifListed(setting?.default_org_id), last_used_org_id: ifListed(setting?.last_used_org_id), current_org_id: ifListed(current) };
    },

    async selectOrganisation(ctx: Ctx, session_id: string, org_id: string): Promise<SelectedOrganisation> {
      const person = personOf(ctx);
      const access = await accessOrRefuse(ctx, org_id);
      await identity.setCurrentOrg(ctx, session_id, org_id);
      if (access.membership) await withOrgScope(ctx, org_id, (scoped) => repo.touchMembershipUsed(scoped.db, org_id, person.user_id));
      await repo.upsertPersonSetting(ctx.db, person.user_id, { last_used_org_id: org_id });
      return { current_org_id: org_id, permissions: [...access.permissions].sort() };
    },

    /** The organisation that opens first after sign-in (null: the last used one). */
    async setDefaultOrganisation(ctx: Ctx, org_id: string | null): Promise<void> {
      const person = personOf(ctx);
      if (org_id) await accessOrRefuse(ctx, org_id);
      await repo.upsertPersonSetting(ctx.db, person.user_id, { default_org_id: org_id });
    },

    async currentOrganisation(ctx: Ctx): Promise<CurrentOrganisation> {
      const org_id = orgIdOf(ctx);
      const org = assertFound(await repo.findOrganisation(ctx.db, org_id), 'orgs.organisation_not_found');
      const access = ctx.actor.kind === 'user' ? await resolveOrgAccess(ctx.db, personOf(ctx), org_id) : null;
      const partner = org.support_partner_user_id ? await identity.getUser(ctx, org.support_partner_user_id) : null;
      return {
        id: org.org_id, slug: org.slug, name: org.name, active: org.active, settings: settingsOf(org),
        assist: partner ? { name: partner.display_name, phone: partner.phone } : null,
        my_roles: access?.roles ?? [],
        my_permissions: [...ctx.permissions].sort(),
        my_branch_ids: await branchIdsOfAccess(ctx.db, org_id, access),
      };
    },

    async updateSettings(ctx: Ctx, patch: OrgSettingsPatch): Promise<OrgSettings> {
      const org_id = orgIdOf(ctx);
      const before = assertFound(await repo.findOrganisation(ctx.db, org_id), 'orgs.organisation_not_found');
      const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (Object.keys(changes).length === 0) return settingsOf(before);
      const after = await repo.updateOrganisation(ctx.db, org_id, changes);
      await audit.record(ctx, { action: 'orgs.settings.update', entity_type: 'organisation', entity_id: org_id, before: settingsOf(before), after: settingsOf(after) });
      return settingsOf(after);
    },

    /** Platform admins see every organisation; support partners only those they support. */
    async listPlatformOrganisations(ctx: Ctx, query: PlatformOrganisationQuery): Promise<{ items: PlatformOrganisation[]; total: number }> {
      const person = personOf(ctx);
      const { rows, total } = await repo.listOrganisations(ctx.db, {
        q: query.q, limit: query.limit, offset: query.offset,
        support_partner_user_id: person.is_platform_admin ? undefined : person.user_id,
      });
      const partnerIds = [...new Set(rows.map((r) => r.support_partner_user_id).filter((id): id is string => id !== null))];
      const partners = new Map((partnerIds.length ? await identity.getUsers(ctx, partnerIds) : []).map((u) => [u.id, u]));
      return { total, items: rows.map((org) => platformDto(org, org.support_partner_user_id ? partners.get(org.support_partner_user_id) ?? null : null)) };
    },

    /** A new organisation with its first owner (and support partner); used by platform admins and the demo seed. */
    async createOrganisation(ctx: Ctx, input: PlatformOrganisationInput): Promise<PlatformOrganisation> {
      const org_id = newId();
      return withOrgScope(ctx, org_id, async (scoped) => {
        const owner = await identity.findOrCreateUserByPhone(scoped, input.owner_phone);
        const partner = input.support_partner_phone ? await supportPartnerByPhone(scoped, input.support_partner_phone) : null;
        const org = await repo.insertOrganisation(scoped.db, { org_id, slug: input.slug, name: input.name, support_partner_user_id: partner?.id ?? null })
          .catch((error: unknown) => uniqueViolation(error, { organisation_slug: 'orgs.slug_taken' }));
        const membership = await repo.insertMembership(scoped.db, { org_id, id: newId(), user_id: owner.id, roles: [OWNER.key], manager_title: null, active: true });
        const dto = platformDto(org, partner);
        await audit.record(scoped, { action: 'orgs.organisation.create', entity_type: 'organisation', entity_id: org_id, after: dto });
        await audit.record(scoped, { action: 'orgs.member.add', entity_type: 'membership', entity_id: membership.id, after: { user_id: owner.id, roles: membership.roles } });
        return dto;
      });
    },

    async updatePlatformOrganisation(ctx: Ctx, org_id: string, patch: PlatformOrganisationPatch): Promise<PlatformOrganisation> {
      return withOrgScope(ctx, org_id, async (scoped) => {
        const before = assertFound(await repo.findOrganisation(scoped.db, org_id), 'orgs.organisation_not_found');
        const changes: Partial<OrganisationRow> = {};
        if (patch.name !== undefined) changes.name = patch.name;
        if (patch.active !== undefined) changes.active = patch.active;
        let partner = before.support_partner_user_id ? await identity.getUser(scoped, before.support_partner_user_id) : null;
        if (patch.support_partner_phone !== undefined) {
          partner = patch.support_partner_phone ? await supportPartnerByPhone(scoped, patch.support_partner_phone) : null;
          changes.support_partner_user_id = partner?.id ?? null;
        }
        const after = Object.keys(changes).length ? await repo.updateOrganisation(scoped.db, org_id, changes) : before;
        const dto = platformDto(after, partner);
        await audit.record(scoped, { action: 'orgs.organisation.update', entity_type: 'organisation', entity_id: org_id, before: { ...platformDto(before, null), support_partner_user_id: before.support_partner_user_id }, after: dto });
        return dto;
      });
    },

    async findOrganisationBySlug(ctx: Ctx, slug: string): Promise<OrganisationRow | null> {
      return (await repo.findOrganisationBySlug(ctx.db, slug)) ?? null;
    },
  };
}

export type OrganisationsService = ReturnType<typeof createOrganisationsService>;
