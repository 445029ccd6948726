/** HTTP routes of the orgs module: schema + access + one-line handler. */
import { z } from 'zod';
import { assert } from '@chaharsu/kit';
import { OrgPermissions, PlatformPermissions } from '@chaharsu/access';
import { IdParams, type App } from '@chaharsu/http';
import * as c from './orgs.contracts.js';
import type { OrganisationsService } from './organisations.service.js';
import type { MembersService } from './members.service.js';
import type { BranchesService } from './branches.service.js';
import type { LeadsService } from './leads.service.js';

export interface OrgsServices {
  organisations: OrganisationsService;
  members: MembersService;
  branches: BranchesService;
  leads: LeadsService;
}

/** The session the server's access hook resolved for this request (set on every session/org/platform route). */
function sessionOf(request: object): { session_id: string; current_org_id: string | null } {
  const info = (request as { session_info?: { session_id: string; current_org_id: string | null } }).session_info;
  assert(info, 'a session route ran without a resolved session');
  return info;
}

const tags = ['orgs'];
const read = { auth: 'org', permission: OrgPermissions.read } as const;
const branchesManage = { auth: 'org', permission: OrgPermissions.branchesManage } as const;
const staffRead = { auth: 'org', permission: OrgPermissions.staffRead } as const;
const staffManage = { auth: 'org', permission: OrgPermissions.staffManage } as const;
const Items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export function registerOrgsRoutes(app: App, s: OrgsServices): void {
  // ---- the organisation chooser (signed in, no organisation needed) ----
  app.get('/api/me/organisations', {
    schema: { tags, response: { 200: c.MyOrganisations } },
    config: { access: { auth: 'session' } },
  }, (req) => req.tx((ctx) => s.organisations.myOrganisations(ctx, sessionOf(req))));

  app.post('/api/me/organisations/:id/select', {
    schema: { tags, params: IdParams, response: { 200: c.SelectedOrganisation } },
    config: { access: { auth: 'session' } },
  }, (req) => req.tx((ctx) => s.organisations.selectOrganisation(ctx, sessionOf(req).session_id, req.params.id)));

  app.put('/api/me/organisations/default', {
    schema: { tags, body: c.DefaultOrganisationInput, response: { 204: z.null() } },
    config: { access: { auth: 'session' } },
  }, async (req, reply) => { await req.tx((ctx) => s.organisations.setDefaultOrganisation(ctx, req.body.org_id)); return reply.status(204).send(null); });

  // ---- the current organisation ----
  app.get('/api/org', {
    schema: { tags, response: { 200: c.CurrentOrganisation } },
    config: { access: read },
  }, (req) => req.tx((ctx) => s.organisations.currentOrganisation(ctx)));

  app.patch('/api/org/settings', {
    schema: { tags, body: c.OrgSettingsPatch, response: { 200: c.OrgSettings } },
    config: { access: { auth: 'org', permission: OrgPermissions.settingsManage } },
  }, (req) => req.tx((ctx) => s.organisations.updateSettings(ctx, req.body)));

  // ---- branches and warehouses ----
  app.get('/api/org/branches', {
    schema: { tags, response: { 200: Items(c.Branch) } },
    config: { access: read },
  }, (req) => req.tx((ctx) => s.branches.listBranches(ctx)));

  app.post('/api/org/branches', {
    schema: { tags, body: c.BranchInput, response: { 201: c.Branch } },
    config: { access: branchesManage },
  }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.branches.createBranch(ctx, req.body))));

  app.patch('/api/org/branches/:id', {
    schema: { tags, params: IdParams, body: c.BranchPatch, response: { 200: c.Branch } },
    config: { access: branchesManage },
  }, (req) => req.tx((ctx) => s.branches.updateBranch(ctx, req.params.id, req.body)));

  app.get('/api/org/branches/:id/warehouses', {
    schema: { tags, params: IdParams, response: { 200: Items(c.Warehouse) } },
    config: { access: read },
  }, (req) => req.tx((ctx) => s.branches.listWarehouses(ctx, req.params.id)));

  app.post('/api/org/branches/:id/warehouses', {
    schema: { tags, params: IdParams, body: c.WarehouseInput, response: { 201: c.Warehouse } },
    config: { access: branchesManage },
  }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.branches.createWarehouse(ctx, req.params.id, req.body))));

  app.patch('/api/org/warehouses/:id', {
    schema: { tags, params: IdParams, body: c.WarehousePatch, response: { 200: c.Warehouse } },
    config: { access: branchesManage },
  }, (req) => req.tx((ctx) => s.branches.updateWarehouse(ctx, req.params.id, req.body)));

  // ---- staff ----
  app.get('/api/org/members', {
    schema: { tags, response: { 200: Items(c.Member) } },
    config: { access: staffRead },
  }, (req) => req.tx((ctx) => s.members.listMembers(ctx)));

  app.post('/api/org/members', {
    schema: { tags, body: c.MemberInput, response: { 201: c.Member } },
    config: { access: staffManage },
  }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.members.addMember(ctx, req.body))));

  app.patch('/api/org/members/:id', {
    schema: { tags, params: IdParams, body: c.MemberPatch, response: { 200: c.Member } },
    config: { access: staffManage },
  }, (req) => req.tx((ctx) => s.members.updateMember(ctx, req.params.id, req.body)));

  app.post('/api/org/members/:id/deactivate', {
    schema: { tags, params: IdParams, response: { 200: c.Member } },
    config: { access: staffManage },
  }, (req) => req.tx((ctx) => s.members.updateMember(ctx, req.params.id, { active: false })));

  app.get('/api/org/roles', {
    schema: { tags, response: { 200: c.AssignableRoles } },
    config: { access: staffRead },
  }, (req) => req.tx((ctx) => s.members.assignableRoles(ctx)));

  // ---- leads ("request a call"): public, links the person when signed in ----
  app.post('/api/leads', {
    schema: { tags, body: c.LeadInput, response: { 201: c.LeadCreated } },
    config: { access: { auth: 'public' }, csrf: false, rateLimit: { max: 10, timeWindow: '10 minutes' } },
  }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.leads.createLead(ctx, req.body))));

  app.get('/api/platform/leads', {
    schema: { tags, querystring: c.LeadQuery, response: { 200: c.LeadPage } },
    config: { access: { auth: 'platform', permission: PlatformPermissions.leadsRead } },
  }, (req) => req.tx((ctx) => s.leads.listLeads(ctx, req.query)));

  app.patch('/api/platform/leads/:id', {
    schema: { tags, params: IdParams, body: c.LeadPatch, response: { 200: c.Lead } },
    config: { access: { auth: 'platform', permission: PlatformPermissions.leadsRead } },
  }, (req) => req.tx((ctx) => s.leads.updateLeadStatus(ctx, req.params.id, req.body.status)));

  // ---- platform: organisations ----
  app.get('/api/platform/organisations', {
    schema: { tags, querystring: c.PlatformOrganisationQuery, response: { 200: c.PlatformOrganisationPage } },
    config: { access: { auth: 'platform', permission: PlatformPermissions.orgsRead } },
  }, (req) => req.tx((ctx) => s.organisations.listPlatformOrganisations(ctx, req.query)));

  app.post('/api/platform/organisations', {
    schema: { tags, body: c.PlatformOrganisationInput, response: { 201: c.PlatformOrganisation } },
    config: { access: { auth: 'platform', permission: PlatformPermissions.orgsManage } },
  }, async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.organisations.createOrganisation(ctx, req.body))));

  app.patch('/api/platform/organisations/:id', {
    schema: { tags, params: IdParams, body: c.PlatformOrganisationPatch, response: { 200: c.PlatformOrganisation } },
    config: { access: { auth: 'platform', permission: PlatformPermissions.orgsManage } },
  }, (req) => req.tx((ctx) => s.organisations.updatePlatformOrganisation(ctx, req.params.id, req.body)));
}
