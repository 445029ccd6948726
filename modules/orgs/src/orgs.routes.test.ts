/**
 * The orgs routes over real HTTP on the real server (demo seed included), signing in like a person:
 * the organisation chooser, staff and owners, branches and warehouses, settings, the support partner and
 * the platform admin, leads, and the audit trail of each change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import type { Branch, CurrentOrganisation, Member, MyOrganisations, Warehouse } from './orgs.contracts.js';

const PHONES = {
  admin: '09120000001', partner: '09120000002', demo_owner: '09120000010', accountant: '09120000011',
  staff: '09120000012', both: '09120000020', demo2_owner: '09120000030', none: '09120000099',
};

let t: TestServer;
let su: pg.Client;
let demo: string;
let demo2: string;

async function as(phone: string, org_id?: string): Promise<TestClient> {
  const client = t.client();
  await signIn(client, phone, org_id);
  return client;
}

beforeAll(async () => {
  t = await startTestServer({ SEED_DEMO: 'true', ...SIGN_IN_FRIENDLY_ENV });
  su = new pg.Client({ connectionString: t.database.superuser_url });
  await su.connect();
  const orgs = await su.query<{ org_id: string; slug: string }>('select org_id, slug from orgs.organisation');
  demo = orgs.rows.find((r) => r.slug === 'demo')!.org_id;
  demo2 = orgs.rows.find((r) => r.slug === 'demo-2')!.org_id;
});

afterAll(async () => {
  await su?.end();
  await t?.close();
});

describe('the demo seed', () => {
  it('creates both demo organisations once, and does nothing on the next start', async () => {
    expect(t.server.seeded?.join('\n')).toContain('09120000010');
    expect(await t.server.composition.seedDemo()).toBeNull();
    const counts = await su.query<{ slug: string; members: number; branches: number; warehouses: number }>(`
      select o.slug,
             (select count(*)::int from orgs.membership m where m.org_id = o.org_id) as members,
             (select count(*)::int from orgs.branch b where b.org_id = o.org_id) as branches,
             (select count(*)::int from orgs.warehouse w where w.org_id = o.org_id) as warehouses
        from orgs.organisation o where o.slug in ('demo', 'demo-2') order by o.slug`);
    expect(counts.rows.map((r) => [r.slug, r.branches, r.warehouses])).toEqual([['demo', 3, 3], ['demo-2', 2, 2]]);
    const flags = await su.query<{ name: string }>('select name from orgs.branch where org_id = $1 and is_reference', [demo]);
    expect(flags.rows).toHaveLength(1);
  });
});

describe('the organisation chooser', () => {
  it('shows a person in two organisations both, with the default one marked, and opens the one chosen', async () => {
    const client = await as(PHONES.both);
    const mine = await client.get<MyOrganisations>('/api/me/organisations');
    expect(mine.body.items.map((i) => [i.slug, i.roles, i.manager_title, i.via])).toEqual([
      ['demo', ['staff'], null, 'membership'],
      ['demo-2', ['manager'], 'supervisor', 'membership'],
    ]);
    expect(mine.body.default_org_id).toBe(demo);
    expect(mine.body.current_org_id).toBeNull();

    const selected = await client.post<{ current_org_id: string; permissions: string[] }>(`/api/me/organisations/${demo2}/select`);
    expect(selected.status).toBe(200);
    expect(selected.body.permissions).toContain('org.staff.manage');
    const org = await client.get<CurrentOrganisation>('/api/org');
    expect(org.body).toMatchObject({ slug: 'demo-2', name: 'پخش نمونه ۲', my_roles: ['manager'] });
    expect(org.body.my_branch_ids).toHaveLength(2);

    const after = await client.get<MyOrganisations>('/api/me/organisations');
    expect(after.body.last_used_org_id).toBe(demo2);
    expect(after.body.current_org_id).toBe(demo2);
    expect(after.body.items.find((i) => i.org_id === demo2)?.last_used_at).not.toBeNull();

    expect((await client.put('/api/me/organisations/default', { org_id: demo2 })).status).toBe(204);
    expect((await client.get<MyOrganisations>('/api/me/organisations')).body.default_org_id).toBe(demo2);
  });

  it('shows a person with no role an empty list, refuses them any organisation, and takes their call request', async () => {
    const client = await as(PHONES.none);
    const mine = await client.get<MyOrganisations>('/api/me/organisations');
    expect(mine.body).toEqual({ items: [], default_org_id: null, last_used_org_id: null, current_org_id: null });
    const refused = await client.post<{ code: string }>(`/api/me/organisations/${demo}/select`);
    expect([refused.status, refused.body.code]).toEqual([403, 'orgs.not_a_member']);
    expect((await client.put<{ code: string }>('/api/me/organisations/default', { org_id: demo })).body.code).toBe('orgs.not_a_member');
    expect((await client.get<{ code: string }>('/api/org')).body.code).toBe('common.no_organisation_selected');

    const lead = await client.post<{ id: string }>('/api/leads', { name: 'نگار', business: 'لوازم خانگی نگار', city: 'کرج', want: 'why_not_assigned' });
    expect(lead.status).toBe(201);
    const admin = await as(PHONES.admin);
    const leads = await admin.get<{ items: Array<{ id: string; phone: string; user_id: string | null; want: string; status: string }> }>('/api/platform/leads');
    const mineLead = leads.body.items.find((l) => l.id === lead.body.id);
    expect(mineLead).toMatchObject({ phone: '+989120000099', want: 'why_not_assigned', status: 'new' });
    expect(mineLead?.user_id).not.toBeNull();
    const contacted = await admin.patch<{ status: string }>(`/api/platform/leads/${lead.body.id}`, { status: 'contacted' });
    expect(contacted.body.status).toBe('contacted');
  });

  it('asks an anonymous visitor for a number to call, and keeps leads from everyone but platform admins', async () => {
    const anonymous = t.client();
    const missing = await anonymous.post<{ code: string }>('/api/leads', { name: 'Sam', business: 'Shop', city: 'Tabriz', want: 'buy' });
    expect([missing.status, missing.body.code]).toEqual([422, 'orgs.lead_phone_required']);
    const bad = await anonymous.post<{ code: string }>('/api/leads', { name: 'Sam', phone: '021-1234', business: 'Shop', city: 'Tabriz', want: 'buy' });
    expect(bad.body.code).toBe('orgs.invalid_phone');
    expect((await anonymous.post('/api/leads', { name: 'Sam', phone: '۰۹۱۲۳۴۵۶۷۸۹', business: 'Shop', city: 'Tabriz', want: 'buy' })).status).toBe(201);
    expect((await anonymous.get('/api/platform/leads')).status).toBe(401);
    const partner = await as(PHONES.partner);
    expect((await partner.get('/api/platform/leads')).status).toBe(403);
  });
});

describe('staff and owners', () => {
  it('lets the owner add staff by phone with branches, and lists them', async () => {
    const owner = await as(PHONES.demo_owner, demo);
    const branches = (await owner.get<{ items: Branch[] }>('/api/org/branches')).body.items;
    const added = await owner.post<Member>('/api/org/members', { phone: '۰۹۱۲ ۵۵۵ ۰۰۰۱', display_name: 'کاوه', roles: ['staff'], branch_ids: [branches[1]!.id] });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ phone: '+989125550001', display_name: 'کاوه', roles: ['staff'], branch_ids: [branches[1]!.id], active: true });
    const members = await owner.get<{ items: Member[] }>('/api/org/members');
    expect(members.body.items.map((m) => m.phone)).toContain('+989125550001');
    const again = await owner.post<{ code: string }>('/api/org/members', { phone: '09125550001', roles: ['staff'], branch_ids: [] });
    expect([again.status, again.body.code]).toEqual([409, 'orgs.already_member']);

    // The new person signs in and lands in demo, seeing only their branch.
    const kaveh = await as('09125550001', demo);
    const org = await kaveh.get<CurrentOrganisation>('/api/org');
    expect(org.body.my_branch_ids).toEqual([branches[1]!.id]);
    expect((await kaveh.get('/api/org/members')).status).toBe(403);

    const audit = await owner.get<{ items: Array<{ action: string; entity_id: string; after: { phone?: string } }> }>('/api/org/audit?action=orgs.member.add');
    expect(audit.body.items.find((a) => a.entity_id === added.body.membership_id)?.after.phone).toBe('+989125550001');
  });

  it('refuses branches of another organisation and roles nobody may give', async () => {
    const owner = await as(PHONES.demo_owner, demo);
    const foreign = await su.query<{ id: string }>('select id from orgs.branch where org_id = $1 limit 1', [demo2]);
    const refused = await owner.post<{ code: string }>('/api/org/members', { phone: '09125550002', roles: ['staff'], branch_ids: [foreign.rows[0]!.id] });
    expect([refused.status, refused.body.code]).toEqual([422, 'orgs.unknown_branch']);
    expect((await owner.post<{ code: string }>('/api/org/members', { phone: '09125550002', roles: ['support'], branch_ids: [] })).body.code).toBe('orgs.unknown_role');
    expect((await owner.post<{ code: string }>('/api/org/members', { phone: '09125550002', roles: ['manager'], branch_ids: [] })).body.code).toBe('orgs.manager_title_required');
  });

  it('lets a manager add staff but not owners or managers, nor touch an owner', async () => {
    const accountant = await as(PHONES.accountant, demo);
    const roles = await accountant.get<{ items: Array<{ key: string; grantable: boolean }> }>('/api/org/roles');
    expect(Object.fromEntries(roles.body.items.map((r) => [r.key, r.grantable]))).toMatchObject({ owner: false, manager: false, staff: true });
    expect((await accountant.post('/api/org/members', { phone: '09125550003', roles: ['staff'], branch_ids: [] })).status).toBe(201);
    const owner = await accountant.post<{ code: string }>('/api/org/members', { phone: '09125550004', roles: ['owner'], branch_ids: [] });
    expect([owner.status, owner.body.code]).toEqual([403, 'orgs.owners_only']);
    const manager = await accountant.post<{ code: string }>('/api/org/members', { phone: '09125550004', roles: ['manager'], manager_title: 'supervisor', branch_ids: [] });
    expect([manager.status, manager.body.code]).toEqual([403, 'orgs.role_not_grantable']);
    const members = (await accountant.get<{ items: Member[] }>('/api/org/members')).body.items;
    const ownerMembership = members.find((m) => m.phone === '+989120000010')!;
    const touch = await accountant.post<{ code: string }>(`/api/org/members/${ownerMembership.membership_id}/deactivate`);
    expect([touch.status, touch.body.code]).toEqual([403, 'orgs.owners_only']);
  });

  it('keeps at least one active owner, and lets owners add owners', async () => {
    const owner = await as(PHONES.demo2_owner, demo2);
    const members = (await owner.get<{ items: Member[] }>('/api/org/members')).body.items;
    const me = members.find((m) => m.phone === '+989120000030')!;
    const last = await owner.post<{ code: string }>(`/api/org/members/${me.membership_id}/deactivate`);
    expect([last.status, last.body.code]).toEqual([409, 'orgs.last_owner']);
    const demoted = await owner.patch<{ code: string }>(`/api/org/members/${me.membership_id}`, { roles: ['staff'] });
    expect(demoted.body.code).toBe('orgs.last_owner');

    const second = await owner.post<Member>('/api/org/members', { phone: '09125550010', roles: ['owner'], branch_ids: [] });
    expect(second.status).toBe(201);
    const gone = await owner.post<Member>(`/api/org/members/${me.membership_id}/deactivate`);
    expect([gone.status, gone.body.active]).toEqual([200, false]);
    // The deactivated owner's session no longer opens the organisation.
    expect((await owner.get('/api/org')).status).toBe(403);
    const newOwner = await as('09125550010', demo2);
    const back = await newOwner.patch<Member>(`/api/org/members/${me.membership_id}`, { active: true });
    expect(back.body).toMatchObject({ active: true, roles: ['owner'] });
  });
});

describe('branches and warehouses', () => {
  it('moves the central-branch flag to the branch given it, keeping one per organisation', async () => {
    const owner = await as(PHONES.demo_owner, demo);
    const created = await owner.post<Branch>('/api/org/branches', { name: 'شعبه جدید پونک', code: 'D09', is_central_branch: true });
    expect(created.status).toBe(201);
    const branches = (await owner.get<{ items: Branch[] }>('/api/org/branches')).body.items;
    expect(branches.filter((b) => b.is_central_branch).map((b) => b.id)).toEqual([created.body.id]);
    expect(branches.filter((b) => b.is_central_warehouse)).toHaveLength(1);
    expect((await owner.post<{ code: string }>('/api/org/branches', { name: 'تکراری', code: 'D09' })).body.code).toBe('orgs.branch_code_taken');
    const inactive = await owner.patch<{ code: string }>(`/api/org/branches/${created.body.id}`, { active: false });
    expect([inactive.status, inactive.body.code]).toEqual([409, 'orgs.flagged_branch_inactive']);
  });

  it('makes the first warehouse of a branch its default and moves the default on request', async () => {
    const owner = await as(PHONES.demo_owner, demo);
    const branch = await owner.post<Branch>('/api/org/branches', { name: 'شعبه آزمایشی انبار', code: 'D10' });
    const first = await owner.post<Warehouse>(`/api/org/branches/${branch.body.id}/warehouses`, { name: 'انبار یک' });
    expect(first.body.is_default).toBe(true);
    const second = await owner.post<Warehouse>(`/api/org/branches/${branch.body.id}/warehouses`, { name: 'انبار دو' });
    expect(second.body.is_default).toBe(false);
    const unset = await owner.patch<{ code: string }>(`/api/org/warehouses/${first.body.id}`, { is_default: false });
    expect([unset.status, unset.body.code]).toEqual([409, 'orgs.default_warehouse_required']);
    expect((await owner.patch<Warehouse>(`/api/org/warehouses/${second.body.id}`, { is_default: true })).body.is_default).toBe(true);
    const list = (await owner.get<{ items: Warehouse[] }>(`/api/org/branches/${branch.body.id}/warehouses`)).body.items;
    expect(list.filter((w) => w.is_default).map((w) => w.id)).toEqual([second.body.id]);
  });

  it('lets staff read branches but not change them', async () => {
    const staff = await as(PHONES.staff, demo);
    expect((await staff.get('/api/org/branches')).status).toBe(200);
    const refused = await staff.post<{ code: string }>('/api/org/branches', { name: 'نه' });
    expect([refused.status, refused.body.code]).toEqual([403, 'common.forbidden']);
  });
});

describe('settings, the support partner and the platform admin', () => {
  it('lets the support partner in only while the owner allows staff from outside', async () => {
    const partner = await as(PHONES.partner, demo);
    const org = await partner.get<CurrentOrganisation>('/api/org');
    expect(org.body.my_roles).toEqual(['support']);
    expect(org.body.assist).toEqual({ name: 'شرکت پشتیبان نمونه', phone: '+989120000002' });
    expect((await partner.post('/api/org/members', { phone: '09125550020', roles: ['staff'], branch_ids: [] })).status).toBe(403);
    const listed = await partner.get<{ items: Array<{ slug: string }> }>('/api/platform/organisations');
    expect(listed.body.items.map((o) => o.slug)).toEqual(['demo']);

    const owner = await as(PHONES.demo_owner, demo);
    const off = await owner.patch<{ allow_external_staff: boolean }>('/api/org/settings', { allow_external_staff: false });
    expect(off.body.allow_external_staff).toBe(false);
    expect((await partner.get('/api/org')).status).toBe(403);
    const refused = await partner.post<{ code: string }>(`/api/me/organisations/${demo}/select`);
    expect(refused.body.code).toBe('orgs.external_staff_not_allowed');
    expect((await partner.get<MyOrganisations>('/api/me/organisations')).body.items).toEqual([]);
    await owner.patch('/api/org/settings', { allow_external_staff: true });
    expect((await partner.get('/api/org')).status).toBe(200);
  });

  it('ends a session that was idle longer than the organisation allows', async () => {
    const owner = await as('09125550010', demo2); // demo-2's second owner (added in 'staff and owners')
    expect((await owner.patch<{ session_idle_minutes: number }>('/api/org/settings', { session_idle_minutes: 5 })).body.session_idle_minutes).toBe(5);
    const staff = await as(PHONES.both, demo2);
    const user = await su.query<{ id: string }>("select id from identity.users where phone = '+989120000020'");
    await su.query("update identity.sessions set last_seen_at = now() - interval '4 minutes' where user_id = $1", [user.rows[0]!.id]);
    expect((await staff.get('/api/org')).status).toBe(200);
    await su.query("update identity.sessions set last_seen_at = now() - interval '6 minutes' where user_id = $1", [user.rows[0]!.id]);
    expect((await staff.get('/api/org')).status).toBe(401);
    await owner.patch('/api/org/settings', { session_idle_minutes: null });
  });

  it('lets a platform admin list and create organisations and enter any of them as operator', async () => {
    const admin = await as(PHONES.admin);
    const all = await admin.get<{ items: Array<{ slug: string; support_partner: { phone: string } | null }>; total: number }>('/api/platform/organisations');
    expect(all.body.items.map((o) => o.slug).sort()).toEqual(['demo', 'demo-2']);
    expect(all.body.items.find((o) => o.slug === 'demo')?.support_partner?.phone).toBe('+989120000002');

    const created = await admin.post<{ id: string; slug: string }>('/api/platform/organisations', { slug: 'Fresh-Shop', name: 'فروشگاه تازه', owner_phone: '09125550030' });
    expect([created.status, created.body.slug]).toEqual([201, 'fresh-shop']);
    expect((await admin.post<{ code: string }>('/api/platform/organisations', { slug: 'fresh-shop', name: 'x', owner_phone: '09125550031' })).body.code).toBe('orgs.slug_taken');
    const newOwner = await as('09125550030');
    const mine = await newOwner.get<MyOrganisations>('/api/me/organisations');
    expect(mine.body.items.map((i) => [i.slug, i.roles])).toEqual([['fresh-shop', ['owner']]]);

    const entered = await admin.post<{ permissions: string[] }>(`/api/me/organisations/${demo2}/select`);
    expect(entered.body.permissions).toContain('org.owners.manage');
    expect(entered.body.permissions).not.toContain('*');
    const org = await admin.get<CurrentOrganisation>('/api/org');
    expect(org.body.my_roles).toEqual(['platform_operator']);
    expect((await admin.get<MyOrganisations>('/api/me/organisations')).body.items.map((i) => i.via)).toEqual(['platform']);

    const owner = await as(PHONES.demo_owner, demo);
    for (const path of ['/api/platform/organisations', '/api/platform/leads']) expect((await owner.get(path)).status).toBe(403);
  });

  it('lets a platform admin give an organisation a support partner and switch it off', async () => {
    const admin = await as(PHONES.admin);
    const fresh = (await admin.get<{ items: Array<{ id: string; slug: string }> }>('/api/platform/organisations?q=fresh')).body.items[0]!;
    const partnered = await admin.patch<{ support_partner: { phone: string } | null }>(`/api/platform/organisations/${fresh.id}`, { support_partner_phone: '09120000002' });
    expect(partnered.body.support_partner?.phone).toBe('+989120000002');
    const partner = await as(PHONES.partner);
    const listed = await partner.get<{ items: Array<{ slug: string }> }>('/api/platform/organisations');
    expect(listed.body.items.map((o) => o.slug).sort()).toEqual(['demo', 'fresh-shop']);

    const off = await admin.patch<{ active: boolean }>(`/api/platform/organisations/${fresh.id}`, { active: false });
    expect(off.body.active).toBe(false);
    const freshOwner = await as('09125550030');
    expect((await freshOwner.get<MyOrganisations>('/api/me/organisations')).body.items).toEqual([]);
    expect((await freshOwner.post<{ code: string }>(`/api/me/organisations/${fresh.id}/select`)).body.code).toBe('orgs.not_a_member');
  });
});

describe('the request-a-call form under abuse', () => {
  it('stops taking leads from one address after ten in ten minutes', async () => {
    const anonymous = t.client();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await anonymous.post('/api/leads', { name: `n${i}`, phone: '09121112233', business: 'b', city: 'c', want: 'buy' })).status);
    }
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(10);
  });
});
