import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import { createHarness, errorOf, type Harness } from './testing/harness.js';
import type { UserDto } from './identity.api.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const request = { ip: '10.0.0.5', user_agent: 'Firefox' };
const platformDefault = async (): Promise<number | null> => null;

async function signIn(phone: string): Promise<{ token: string; session_id: string; user: UserDto }> {
  await h.module.services.otp.request(h.request(), { phone, channel: 'sms' });
  return h.module.services.otp.verify(h.request(), { phone, code: h.sms.lastCodeFor(phone) });
}
async function idle(session_id: string, minutes: number): Promise<void> {
  await sql`update identity.sessions set last_seen_at = now() - make_interval(secs => ${minutes * 60}) where id = ${session_id}`.execute(h.owner);
}
function asUser(user: UserDto, session_id: string) {
  return { kind: 'user' as const, user_id: user.id, session_id, is_platform_admin: false, is_support_partner: false };
}

describe('sessions', () => {
  it('resolves the cookie token to its person; stores only the token hash', async () => {
    const s = await signIn('+989160000001');
    const record = await h.module.api.resolveSession(s.token, request, platformDefault);
    expect(record).toMatchObject({ user_id: s.user.id, session_id: s.session_id, current_org_id: null, locale: 'fa' });
    expect(record?.csrf_token).toMatch(/^[0-9a-f]{64}$/);
    const stored = await sql<{ token_hash: string }>`select token_hash from identity.sessions where id = ${s.session_id}`.execute(h.owner);
    expect(stored.rows[0]?.token_hash).not.toContain(s.token);
    expect(await h.module.api.resolveSession('not-a-token', request, platformDefault)).toBeNull();
  });

  it('dies after the idle time of its organisation, or the platform default without one', async () => {
    const s = await signIn('+989160000002');
    await idle(s.session_id, 59);
    expect(await h.module.api.resolveSession(s.token, request, platformDefault)).not.toBeNull();
    await idle(s.session_id, 61); // platform default in this harness: 60 minutes
    expect(await h.module.api.resolveSession(s.token, request, platformDefault)).toBeNull();

    const org = newId();
    const t = await signIn('+989160000003');
    await h.tx((ctx) => h.module.api.setCurrentOrg(ctx, t.session_id, org), { actor: asUser(t.user, t.session_id) });
    const warehouseIdle = async (org_id: string) => (org_id === org ? 5 : null);
    await idle(t.session_id, 4);
    expect((await h.module.api.resolveSession(t.token, request, warehouseIdle))?.current_org_id).toBe(org);
    await idle(t.session_id, 6);
    expect(await h.module.api.resolveSession(t.token, request, warehouseIdle)).toBeNull();
  });

  it('touches last_seen_at at most once a minute', async () => {
    const s = await signIn('+989160000004');
    const seen = async () => (await sql<{ t: Date }>`select last_seen_at as t from identity.sessions where id = ${s.session_id}`.execute(h.owner)).rows[0]?.t.getTime();
    await idle(s.session_id, 0.5);
    const before = await seen();
    await h.module.api.resolveSession(s.token, request, platformDefault);
    expect(await seen()).toBe(before);
    await idle(s.session_id, 2);
    const older = await seen();
    await h.module.api.resolveSession(s.token, request, platformDefault);
    expect(await seen()).toBeGreaterThan(older ?? 0);
  });

  it('lists own sessions and revokes them; another person\'s session is "not found"', async () => {
    const a1 = await signIn('+989160000005');
    await sql`update identity.otp_challenges set created_at = created_at - interval '2 minutes' where phone = '+989160000005'`.execute(h.owner);
    const a2 = await signIn('+989160000005');
    const b = await signIn('+989160000006');
    const list = await h.tx((ctx) => h.module.services.sessions.list(ctx, a1.user.id, a1.session_id), { actor: asUser(a1.user, a1.session_id) });
    expect(list.map((s) => [s.id, s.current]).sort()).toEqual([[a1.session_id, true], [a2.session_id, false]].sort());
    // A session idle past the platform's idle time is dead: it is no longer listed.
    await idle(a2.session_id, 61);
    const listed = await h.tx((ctx) => h.module.services.sessions.list(ctx, a1.user.id, a1.session_id), { actor: asUser(a1.user, a1.session_id) });
    expect(listed.map((s) => s.id)).toEqual([a1.session_id]);
    await idle(a2.session_id, 0);
    expect((await errorOf(h.tx((ctx) => h.module.services.sessions.revoke(ctx, a1.user.id, b.session_id), { actor: asUser(a1.user, a1.session_id) }))).code).toBe('identity.session_not_found');
    await h.tx((ctx) => h.module.services.sessions.revoke(ctx, a1.user.id, a2.session_id), { actor: asUser(a1.user, a1.session_id) });
    expect(await h.module.api.resolveSession(a2.token, request, platformDefault)).toBeNull();
    expect(await h.module.api.resolveSession(b.token, request, platformDefault)).not.toBeNull();
    const audit = await sql<{ action: string }>`select action from audit.audit_log where entity_id = ${a2.session_id} order by created_at`.execute(h.su);
    expect(audit.rows.map((r) => r.action)).toEqual(['identity.signed_in', 'identity.session.revoked']);
  });

  it('follows the account: a deactivated person\'s sessions stop working', async () => {
    const s = await signIn('+989160000007');
    await sql`update identity.users set active = false where id = ${s.user.id}`.execute(h.owner);
    expect(await h.module.api.resolveSession(s.token, request, platformDefault)).toBeNull();
  });
});

describe('people and preferences', () => {
  it('finds or creates by any accepted phone format, and refuses others', async () => {
    const a = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, '0917 000 0001', 'مریم'));
    const b = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, '+989170000001'));
    expect(b.id).toBe(a.id);
    expect(a.display_name).toBe('مریم');
    expect((await errorOf(h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, '12345'))))).toMatchObject({ code: 'identity.phone_invalid' });
    expect((await h.tx((ctx) => h.module.api.getUsers(ctx, [a.id, a.id, newId()]))).map((u) => u.id)).toEqual([a.id]);
    expect(await h.tx((ctx) => h.module.api.getUsers(ctx, []))).toEqual([]);
  });

  it('sets platform roles with an audit record', async () => {
    const u = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, '+989170000002'));
    const updated = await h.tx((ctx) => h.module.api.setPlatformRoles(ctx, u.id, { is_platform_admin: true }));
    expect(updated).toMatchObject({ is_platform_admin: true, is_support_partner: false });
    const audit = await sql<{ before: { is_platform_admin: boolean }; after: { is_platform_admin: boolean } }>`select before, after from audit.audit_log where entity_id = ${u.id} and action = 'identity.user.platform_roles_set'`.execute(h.su);
    expect([audit.rows[0]?.before.is_platform_admin, audit.rows[0]?.after.is_platform_admin]).toEqual([false, true]);
    expect((await errorOf(h.tx((ctx) => h.module.api.setPlatformRoles(ctx, newId(), { is_platform_admin: true })))).code).toBe('identity.user_not_found');
  });

  it('keeps preferences on the account, with defaults for what was never set', async () => {
    const u = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, '+989170000003'));
    const set = await h.tx((ctx) => h.module.services.users.setPreferences(ctx, u.id, { color_scheme: 'dark', primary_color: 'teal', font_size: 'lg', font_family: 'system', locale: 'en', money_unit: 'rial' }));
    expect(set).toEqual({ color_scheme: 'dark', primary_color: 'teal', font_size: 'lg', font_family: 'system', locale: 'en', money_unit: 'rial' });
    const s = await signIn('+989170000003');
    expect((await h.module.api.resolveSession(s.token, request, platformDefault))?.locale).toBe('en');
    const fresh = await signIn('+989170000004');
    const me = await h.module.services.me(h.request(), fresh.user.id, fresh.session_id, fresh.token);
    expect(me.preferences).toEqual({ color_scheme: 'auto', primary_color: 'blue', font_size: 'md', font_family: 'vazirmatn', locale: 'fa', money_unit: 'toman' });
  });
});
