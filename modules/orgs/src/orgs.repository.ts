/** Kysely queries of the orgs schema: typed input, rows out, no rules. Every tenant query filters by org_id. */
import { sql } from 'kysely';
import type { Db, Tx } from '@chaharsu/db';
import type { BranchFlag, BranchRow, LeadRow, MembershipRow, OrganisationRow, PersonSettingRow, WarehouseRow } from './orgs.tables.js';

type Q = Db | Tx;

// ---- organisations ----
export async function findOrganisation(db: Q, org_id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('orgs.organisation').selectAll().where('org_id', '=', org_id).executeTakeFirst() as Promise<OrganisationRow | undefined>;
}

/** How many organisations the database holds (what the caller's row-level-security scope lets it see). */
export async function countOrganisations(db: Q): Promise<number> {
  const row = await db.selectFrom('orgs.organisation').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findOrganisationBySlug(db: Q, slug: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('orgs.organisation').selectAll().where('slug', '=', slug).executeTakeFirst() as Promise<OrganisationRow | undefined>;
}

export async function insertOrganisation(db: Q, row: Pick<OrganisationRow, 'org_id' | 'slug' | 'name'> & Partial<OrganisationRow>): Promise<OrganisationRow> {
  return db.insertInto('orgs.organisation').values(row).returningAll().executeTakeFirstOrThrow() as Promise<OrganisationRow>;
}

export async function updateOrganisation(db: Q, org_id: string, patch: Partial<OrganisationRow>): Promise<OrganisationRow> {
  return db.updateTable('orgs.organisation').set({ ...patch, updated_at: new Date() }).where('org_id', '=', org_id)
    .returningAll().executeTakeFirstOrThrow() as Promise<OrganisationRow>;
}

/** Serialises membership changes of one organisation (the last-owner rule must see a stable count). */
export async function lockOrganisation(db: Q, org_id: string): Promise<boolean> {
  const row = await db.selectFrom('orgs.organisation').select('org_id').where('org_id', '=', org_id).forUpdate().executeTakeFirst();
  return row !== undefined;
}

export async function listOrganisations(db: Q, filter: { q?: string; support_partner_user_id?: string; limit: number; offset: number }): Promise<{ rows: OrganisationRow[]; total: number }> {
  let query = db.selectFrom('orgs.organisation');
  if (filter.support_partner_user_id) query = query.where('support_partner_user_id', '=', filter.support_partner_user_id);
  if (filter.q) {
    const like = `%${filter.q.replace(/[%_\\]/g, '')}%`;
    query = query.where((eb) => eb.or([eb('name', 'ilike', like), eb('slug', 'ilike', like)]));
  }
  const counted = await query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow() as { total: string | bigint };
  const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('org_id').limit(filter.limit).offset(filter.offset).execute();
  return { rows: rows as OrganisationRow[], total: Number(counted.total) };
}

/** Organisations a support partner may enter (active, supported by them, external staff allowed). */
export async function listEnterableSupportedOrganisations(db: Q, user_id: string): Promise<OrganisationRow[]> {
  return db.selectFrom('orgs.organisation').selectAll()
    .where('support_partner_user_id', '=', user_id).where('active', '=', true).where('allow_external_staff', '=', true)
    .orderBy('name').limit(1000).execute() as Promise<OrganisationRow[]>;
}

export async function sessionIdleMinutes(db: Q, org_id: string): Promise<number | null> {
  const row = await db.selectFrom('orgs.organisation').select('session_idle_minutes').where('org_id', '=', org_id).executeTakeFirst() as { session_idle_minutes: number | null } | undefined;
  return row?.session_idle_minutes ?? null;
}

// ---- memberships ----
export async function findMembership(db: Q, org_id: string, id: string): Promise<MembershipRow | undefined> {
  return db.selectFrom('orgs.membership').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<MembershipRow | undefined>;
}

export async function findMembershipOfUser(db: Q, org_id: string, user_id: string): Promise<MembershipRow | undefined> {
  return db.selectFrom('orgs.membership').selectAll().where('org_id', '=', org_id).where('user_id', '=', user_id).executeTakeFirst() as Promise<MembershipRow | undefined>;
}

/** A person's active memberships in active organisations, with the organisation's slug and name. */
export async function listMembershipsOfUser(db: Q, user_id: string): Promise<Array<MembershipRow & { slug: string; name: string }>> {
  return db.selectFrom('orgs.membership as m')
    .innerJoin('orgs.organisation as o', 'o.org_id', 'm.org_id')
    .selectAll('m').select(['o.slug', 'o.name'])
    .where('m.user_id', '=', user_id).where('m.active', '=', true).where('o.active', '=', true)
    .orderBy('o.name').limit(1000).execute() as Promise<Array<MembershipRow & { slug: string; name: string }>>;
}

export async function listMembers(db: Q, org_id: string): Promise<MembershipRow[]> {
  return db.selectFrom('orgs.membership').selectAll().where('org_id', '=', org_id)
    .orderBy('created_at').orderBy('id').limit(10_000).execute() as Promise<MembershipRow[]>;
}

export async function insertMembership(db: Q, row: Omit<MembershipRow, 'created_at' | 'updated_at' | 'last_used_at'>): Promise<MembershipRow> {
  return db.insertInto('orgs.membership').values(row).returningAll().executeTakeFirstOrThrow() as Promise<MembershipRow>;
}

export async function updateMembership(db: Q, org_id: string, id: string, patch: Partial<MembershipRow>): Promise<MembershipRow> {
  return db.updateTable('orgs.membership').set({ ...patch, updated_at: new Date() })
    .where('org_id', '=', org_id).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<MembershipRow>;
}

export async function touchMembershipUsed(db: Q, org_id: string, user_id: string): Promise<void> {
  await db.updateTable('orgs.membership').set({ last_used_at: new Date() }).where('org_id', '=', org_id).where('user_id', '=', user_id).execute();
}

export async function countActiveOwners(db: Q, org_id: string): Promise<number> {
  const row = await db.selectFrom('orgs.membership').select(sql<string>`count(*)`.as('n'))
    .where('org_id', '=', org_id).where('active', '=', true).where(sql<boolean>`'owner' = any (roles)`).executeTakeFirstOrThrow() as { n: string | bigint };
  return Number(row.n);
}

export async function branchIdsByMembership(db: Q, org_id: string, membership_ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (membership_ids.length === 0) return out;
  const rows = await db.selectFrom('orgs.membership_branch').select(['membership_id', 'branch_id'])
    .where('org_id', '=', org_id).where('membership_id', 'in', membership_ids).orderBy('branch_id').execute() as Array<{ membership_id: string; branch_id: string }>;
  for (const row of rows) out.set(row.membership_id, [...(out.get(row.membership_id) ?? []), row.branch_id]);
  return out;
}

export async function replaceMembershipBranches(db: Q, org_id: string, membership_id: string, branch_ids: string[]): Promise<void> {
  await db.deleteFrom('orgs.membership_branch').where('org_id', '=', org_id).where('membership_id', '=', membership_id).execute();
  if (branch_ids.length === 0) return;
  await db.insertInto('orgs.membership_branch').values(branch_ids.map((branch_id) => ({ org_id, membership_id, branch_id }))).execute();
}

// ---- branches ----
export async function listBranches(db: Q, org_id: string): Promise<BranchRow[]> {
  return db.selectFrom('orgs.branch').selectAll().where('org_id', '=', org_id).orderBy('created_at').orderBy('id').limit(10_000).execute() as Promise<BranchRow[]>;
}

export async function findBranch(db: Q, org_id: string, id: string): Promise<BranchRow | undefined> {
  return db.selectFrom('orgs.branch').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<BranchRow | undefined>;
}

/** Which of `ids` are branches of the organisation. */
export async function existingBranchIds(db: Q, org_id: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('orgs.branch').select('id').where('org_id', '=', org_id).where('id', 'in', ids).execute() as Array<{ id: string }>;
  return new Set(rows.map((r) => r.id));
}

export async function insertBranch(db: Q, row: Omit<BranchRow, 'created_at' | 'updated_at'>): Promise<BranchRow> {
  return db.insertInto('orgs.branch').values(row).returningAll().executeTakeFirstOrThrow() as Promise<BranchRow>;
}

export async function updateBranch(db: Q, org_id: string, id: string, patch: Partial<BranchRow>): Promise<BranchRow> {
  return db.updateTable('orgs.branch').set({ ...patch, updated_at: new Date() })
    .where('org_id', '=', org_id).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<BranchRow>;
}

/** Takes `flag` away from every other branch of the organisation; returns the rows as they were. */
export async function clearBranchFlag(db: Q, org_id: string, flag: BranchFlag, except_id: string): Promise<BranchRow[]> {
  const holders = await db.selectFrom('orgs.branch').selectAll().where('org_id', '=', org_id).where(flag, '=', true).where('id', '!=', except_id).forUpdate().execute() as BranchRow[];
  if (holders.length === 0) return [];
  await db.updateTable('orgs.branch').set({ [flag]: false, updated_at: new Date() })
    .where('org_id', '=', org_id).where('id', 'in', holders.map((h) => h.id)).execute();
  return holders;
}

// ---- warehouses ----
export async function listWarehouses(db: Q, org_id: string, branch_id: string): Promise<WarehouseRow[]> {
  return db.selectFrom('orgs.warehouse').selectAll().where('org_id', '=', org_id).where('branch_id', '=', branch_id)
    .orderBy('created_at').orderBy('id').limit(10_000).execute() as Promise<WarehouseRow[]>;
}

export async function findWarehouse(db: Q, org_id: string, id: string): Promise<WarehouseRow | undefined> {
  return db.selectFrom('orgs.warehouse').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<WarehouseRow | undefined>;
}

/** One warehouse with the two facts of its branch other modules ask about (one indexed probe, no lists). */
export async function findWarehouseInBranch(db: Q, org_id: string, id: string): Promise<(WarehouseRow & { branch_active: boolean; branch_is_central_warehouse: boolean }) | undefined> {
  return db.selectFrom('orgs.warehouse as w')
    .innerJoin('orgs.branch as b', (join) => join.onRef('b.org_id', '=', 'w.org_id').onRef('b.id', '=', 'w.branch_id'))
    .selectAll('w').select(['b.active as branch_active', 'b.is_central_warehouse as branch_is_central_warehouse'])
    .where('w.org_id', '=', org_id).where('w.id', '=', id)
    .executeTakeFirst() as Promise<(WarehouseRow & { branch_active: boolean; branch_is_central_warehouse: boolean }) | undefined>;
}

export async function insertWarehouse(db: Q, row: Omit<WarehouseRow, 'created_at' | 'updated_at'>): Promise<WarehouseRow> {
  return db.insertInto('orgs.warehouse').values(row).returningAll().executeTakeFirstOrThrow() as Promise<WarehouseRow>;
}

export async function updateWarehouse(db: Q, org_id: string, id: string, patch: Partial<WarehouseRow>): Promise<WarehouseRow> {
  return db.updateTable('orgs.warehouse').set({ ...patch, updated_at: new Date() })
    .where('org_id', '=', org_id).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<WarehouseRow>;
}

/** Takes the default mark away from the branch's other warehouses; returns the rows as they were. */
export async function clearDefaultWarehouse(db: Q, org_id: string, branch_id: string, except_id: string): Promise<WarehouseRow[]> {
  const holders = await db.selectFrom('orgs.warehouse').selectAll().where('org_id', '=', org_id).where('branch_id', '=', branch_id)
    .where('is_default', '=', true).where('id', '!=', except_id).forUpdate().execute() as WarehouseRow[];
  if (holders.length === 0) return [];
  await db.updateTable('orgs.warehouse').set({ is_default: false, updated_at: new Date() })
    .where('org_id', '=', org_id).where('id', 'in', holders.map((h) => h.id)).execute();
  return holders;
}

export async function hasDefaultWarehouse(db: Q, org_id: string, branch_id: string): Promise<boolean> {
  const row = await db.selectFrom('orgs.warehouse').select('id').where('org_id', '=', org_id).where('branch_id', '=', branch_id).where('is_default', '=', true).executeTakeFirst();
  return row !== undefined;
}

// ---- a person's chooser settings ----
export async function findPersonSetting(db: Q, user_id: string): Promise<PersonSettingRow | undefined> {
  return db.selectFrom('orgs.person_setting').select(['user_id', 'default_org_id', 'last_used_org_id']).where('user_id', '=', user_id).executeTakeFirst() as Promise<PersonSettingRow | undefined>;
}

export async function upsertPersonSetting(db: Q, user_id: string, patch: Partial<Omit<PersonSettingRow, 'user_id'>>): Promise<void> {
  await db.insertInto('orgs.person_setting').values({ user_id, ...patch, updated_at: new Date() })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...patch, updated_at: new Date() })).execute();
}

// ---- leads ----
export async function insertLead(db: Q, row: Omit<LeadRow, 'status' | 'created_at' | 'updated_at'> & { ip: string | null; user_agent: string | null }): Promise<void> {
  // No RETURNING: the public (anonymous) role may insert leads but not read them back.
  await db.insertInto('orgs.lead').values(row).execute();
}

export async function listLeads(db: Q, filter: { status?: string; limit: number; offset: number }): Promise<{ rows: LeadRow[]; total: number }> {
  let query = db.selectFrom('orgs.lead');
  if (filter.status) query = query.where('status', '=', filter.status);
  const counted = await query.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow() as { total: string | bigint };
  const rows = await query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  return { rows: rows as LeadRow[], total: Number(counted.total) };
}

export async function findLead(db: Q, id: string): Promise<LeadRow | undefined> {
  return db.selectFrom('orgs.lead').selectAll().where('id', '=', id).executeTakeFirst() as Promise<LeadRow | undefined>;
}

export async function updateLeadStatus(db: Q, id: string, status: LeadRow['status']): Promise<LeadRow> {
  return db.updateTable('orgs.lead').set({ status, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as Promise<LeadRow>;
}
