/**
 * The orgs module: organisations (tenants), branches and warehouses, memberships and roles, the
 * organisation chooser, leads. See README.md.
 */
import { inTransaction, type Db } from '@chaharsu/db';
import type { Ctx, ModuleDefinition } from '@chaharsu/http';
import { orgsMigrations } from './migrations/index.js';
import { registerOrgsRoutes } from './orgs.routes.js';
import { createOrganisationsService, type OrganisationsService } from './organisations.service.js';
import { branchIdsOfAccess, createMembersService, type MembersService } from './members.service.js';
import { createBranchesService, type BranchesService } from './branches.service.js';
import { createLeadsService, type LeadsService } from './leads.service.js';
import { resolveOrgAccess, type Person } from './orgs.access.js';
import { orgIdOf, type OrgsDeps } from './orgs.context.js';
import * as repo from './orgs.repository.js';

export * from './orgs.contracts.js';
export { OrgsErrors } from './orgs.errors.js';
export { PLATFORM_OPERATOR, accessOf, canGrant, type OrgAccess, type Person, type Via } from './orgs.access.js';
export type { IdentityPort } from './orgs.context.js';
export { orgsMigrations };

export interface OrgsApi {
  /**
   * The permissions a person holds in an organisation, or null (no access): membership roles, the support
   * role for the organisation's support partner (when external staff are allowed), the platform operator
   * role for platform admins. Reads in its own short transaction (used by the server's access hook).
   */
  permissionsInOrg(person: Person, org_id: string): Promise<ReadonlySet<string> | null>;
  /** The organisation's session idle timeout in minutes, or null for the platform default. */
  idleMinutesFor(org_id: string): Promise<number | null>;
  /** How many organisations the whole installation holds (e.g. whether a local backup would carry only one). */
  organisationCount(): Promise<number>;
  /** The branches the acting person works in (every active branch for owners, support and platform operators). */
  branchIdsOf(ctx: Ctx): Promise<string[]>;
  organisations: OrganisationsService;
  members: MembersService;
  branches: BranchesService;
  leads: LeadsService;
}

export function createOrgsModule(deps: OrgsDeps & { db: Db }): ModuleDefinition & { api: OrgsApi } {
  const services = {
    organisations: createOrganisationsService(deps),
    members: createMembersService(deps),
    branches: createBranchesService(deps),
    leads: createLeadsService(deps),
  };
  const api: OrgsApi = {
    ...services,
    async permissionsInOrg(person, org_id) {
      const scope = { org_id, user_id: person.user_id, platform_admin: person.is_platform_admin };
      const access = await inTransaction(deps.db, scope, (tx) => resolveOrgAccess(tx, person, org_id));
      return access?.permissions ?? null;
    },
    async idleMinutesFor(org_id) {
      return inTransaction(deps.db, { org_id, user_id: null }, (tx) => repo.sessionIdleMinutes(tx, org_id));
    },
    async organisationCount() {
      // The platform-admin scope of row-level security: a count across the installation, no rows leave.
      return inTransaction(deps.db, { org_id: null, user_id: null, platform_admin: true }, (tx) => repo.countOrganisations(tx));
    },
    async branchIdsOf(ctx) {
      const org_id = orgIdOf(ctx);
      if (ctx.actor.kind !== 'user') return branchIdsOfAccess(ctx.db, org_id, null);
      const person = { user_id: ctx.actor.user_id, is_platform_admin: ctx.actor.is_platform_admin, is_support_partner: ctx.actor.is_support_partner };
      return branchIdsOfAccess(ctx.db, org_id, await resolveOrgAccess(ctx.db, person, org_id));
    },
  };
  return {
    name: 'orgs',
    api,
    migrations: orgsMigrations,
    routes: (app) => registerOrgsRoutes(app, services),
  };
}
