import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { createHarness, errorOf, testIdentityConfig, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ ...testIdentityConfig(), password: { failures_per_username_per_hour: 3, failures_per_ip_per_hour: 6 } });
});
afterAll(async () => { await h.close(); });

async function stationUser(phone: string, username: string, password: string) {
  const user = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, phone));
  await h.tx((ctx) => h.module.api.setPassword(ctx, user.id, username, password));
  return user;
}

describe('username + password sign-in', () => {
  it('signs in with the right password (username case and digits do not matter); stores scrypt only', async () => {
    const user = await stationUser('+989180000001', 'Anbar-1', 'long enough secret');
    const s = await h.module.services.password.signIn(h.request('10.2.0.1'), { username: 'anbar-۱', password: 'long enough secret' });
    expect(s.user.id).toBe(user.id);
    const stored = await sql<{ password_hash: string }>`select password_hash from identity.password_credentials where user_id = ${user.id}`.execute(h.owner);
    expect(stored.rows[0]?.password_hash).toMatch(/^scrypt\$/);
    const audit = await sql<{ after: unknown }>`select after from audit.audit_log where entity_id = ${user.id} and action = 'identity.password.set'`.execute(h.su);
    expect(JSON.stringify(audit.rows)).not.toContain('long enough secret');
  });

  it('gives the same answer for a wrong password and an unknown username', async () => {
    await stationUser('+989180000002', 'station2', 'correct horse battery');
    expect((await errorOf(h.module.services.password.signIn(h.request('10.2.0.2'), { username: 'station2', password: 'wrong' }))).code).toBe('identity.credentials_invalid');
    expect((await errorOf(h.module.services.password.signIn(h.request('10.2.0.2'), { username: 'nobody', password: 'wrong' }))).code).toBe('identity.credentials_invalid');
  });

  it('limits failures per username, then per IP', async () => {
    await stationUser('+989180000003', 'station3', 'correct horse battery');
    for (let i = 0; i < 3; i++) await errorOf(h.module.services.password.signIn(h.request(`10.3.0.${i}`), { username: 'station3', password: 'nope' }));
    expect((await errorOf(h.module.services.password.signIn(h.request('10.3.1.1'), { username: 'station3', password: 'correct horse battery' }))).code).toBe('identity.password_rate_limited');
    const ip = '10.4.0.1';
    for (let i = 0; i < 6; i++) await errorOf(h.module.services.password.signIn(h.request(ip), { username: `ghost${i}`, password: 'nope' }));
    await stationUser('+989180000004', 'station4', 'correct horse battery');
    expect((await errorOf(h.module.services.password.signIn(h.request(ip), { username: 'station4', password: 'correct horse battery' }))).code).toBe('identity.password_rate_limited');
    expect((await errorOf(h.module.services.password.signIn(h.request('10.4.0.2'), { username: 'station4', password: 'correct horse battery' }))).code).toBe('resolved');
  });

  it('refuses a taken username, a bad username and a short password', async () => {
    await stationUser('+989180000005', 'taken', 'correct horse battery');
    const other = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, '+989180000006'));
    expect((await errorOf(h.tx((ctx) => h.module.api.setPassword(ctx, other.id, 'TAKEN', 'correct horse battery')))).code).toBe('identity.username_taken');
    expect((await errorOf(h.tx((ctx) => h.module.api.setPassword(ctx, other.id, 'a b', 'correct horse battery')))).code).toBe('identity.username_invalid');
    expect((await errorOf(h.tx((ctx) => h.module.api.setPassword(ctx, other.id, 'fine', 'short')))).code).toBe('identity.password_too_weak');
  });
});
