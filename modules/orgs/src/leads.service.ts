/**
 * "Request a call": the form on the page a person sees when they have no role in any organisation (and on
 * the public site). Leads are platform-level (no organisation): only platform admins read and work them.
 */
import { AppError, newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { normaliseIranianMobile } from '@chaharsu/identity';
import * as repo from './orgs.repository.js';
import { assertFound, type OrgsDeps } from './orgs.context.js';
import type { Lead, LeadInput, LeadQuery } from './orgs.contracts.js';
import type { LeadRow } from './orgs.tables.js';

function leadDto(row: LeadRow): Lead {
  return {
    id: row.id, name: row.name, phone: row.phone, business: row.business, city: row.city, want: row.want, note: row.note,
    user_id: row.user_id, status: row.status, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString(),
  };
}

export function createLeadsService(deps: OrgsDeps) {
  const { identity, audit } = deps;

  /** The number to call: the one typed, else the signed-in person's own. */
  async function phoneOf(ctx: Ctx, typed: string | undefined): Promise<string> {
    if (typed) {
      const phone = normaliseIranianMobile(typed);
      if (!phone) throw new AppError('orgs.invalid_phone');
      return phone;
    }
    const user = ctx.actor.kind === 'user' ? await identity.getUser(ctx, ctx.actor.user_id) : null;
    if (!user) throw new AppError('orgs.lead_phone_required');
    return user.phone;
  }

  return {
    async createLead(ctx: Ctx, input: LeadInput): Promise<{ id: string }> {
      const id = newId();
      const user_id = ctx.actor.kind === 'user' ? ctx.actor.user_id : null;
      const phone = await phoneOf(ctx, input.phone);
      const row = { id, name: input.name, phone, business: input.business, city: input.city, want: input.want, note: input.note ?? null, user_id };
      await repo.insertLead(ctx.db, { ...row, ip: ctx.ip, user_agent: ctx.user_agent });
      await audit.record(ctx, { action: 'orgs.lead.create', entity_type: 'lead', entity_id: id, org_id: null, after: row });
      return { id };
    },

    async listLeads(ctx: Ctx, query: LeadQuery): Promise<{ items: Lead[]; total: number }> {
      const { rows, total } = await repo.listLeads(ctx.db, query);
      return { items: rows.map(leadDto), total };
    },

    async updateLeadStatus(ctx: Ctx, id: string, status: LeadRow['status']): Promise<Lead> {
      const before = assertFound(await repo.findLead(ctx.db, id), 'orgs.lead_not_found');
      const after = await repo.updateLeadStatus(ctx.db, id, status);
      await audit.record(ctx, { action: 'orgs.lead.update', entity_type: 'lead', entity_id: id, org_id: null, before: { status: before.status }, after: { status: after.status } });
      return leadDto(after);
    },
  };
}

export type LeadsService = ReturnType<typeof createLeadsService>;
