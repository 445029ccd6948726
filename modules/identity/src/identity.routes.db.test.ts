/** The HTTP contract, through the real server composition (buildApp: access hook, CSRF, problem+json). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import type { App } from '@chaharsu/http';
import { buildApp } from '../../../apps/server/src/app.js';
import { loadConfig } from '../../../apps/server/src/config.js';
import type { AuthPorts } from '../../../apps/server/src/ports.js';
import { TestClient } from '../../../tests/support/server.js';
import { createHarness, testIdentityConfig, type Harness } from './testing/harness.js';
import type { IdentityModule } from './index.js';
import { createSmsProvider, DevInbox } from './sms/index.js';

interface Problem { code: string; params?: Record<string, unknown> }
interface MeBody { user: { id: string; phone: string; display_name: string | null }; preferences: Record<string, string>; telegram_linked: boolean; current_org_id: string | null; csrf_token: string }

function portsFor(module: IdentityModule): AuthPorts {
  return {
    resolveSession: (token, request) => module.api.resolveSession(token, request, async () => null),
    resolveApiKey: (token) => module.api.resolveApiKey(token),
    // This test stands in for orgs: a person is owner of whatever organisation their session is in.
    permissionsInOrg: async () => new Set(['*']),
    platformPermissions: () => new Set(),
  };
}

async function startApp(h: Harness, env: Record<string, string> = {}): Promise<{ app: App; base_url: string }> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMS_PROVIDER: 'dev', DATA_DIR: '/tmp/chaharsu-identity-routes', RATE_LIMIT_PUBLIC_PER_MINUTE: '1000', ...env });
  const probe = {
    name: 'probe',
    migrations: [],
    routes: (app: App) => {
      app.get('/api/probe', { config: { access: { auth: 'api_key', scope: 'probe.read' } } }, async (req) => ({ org_id: req.ctx.org_id }));
    },
  };
  const { app } = await buildApp({ config, db: h.db, modules: [h.module, probe], auth: portsFor(h.module), logger: h.logger });
  const base_url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base_url };
}

let h: Harness;
let app: App;
let base_url: string;
beforeAll(async () => {
  h = await createHarness(testIdentityConfig(), { sms: undefined });
  ({ app, base_url } = await startApp(h));
});
afterAll(async () => {
  await app.close();
  await h.close();
});

async function signIn(client: TestClient, phone: string): Promise<MeBody> {
  const requested = await client.post('/api/auth/otp/request', { phone, channel: 'sms' });
  expect(requested.status).toBe(202);
  const inbox = await client.get<{ items: Array<{ phone: string; code: string }> }>('/api/dev/sms-inbox');
  const code = inbox.body.items.find((i) => i.phone === phone)?.code ?? '';
  const verified = await client.post<MeBody>('/api/auth/otp/verify', { phone, code });
  expect(verified.status).toBe(200);
  return verified.body;
}

describe('sign-in over HTTP', () => {
  it('code request → dev inbox → verify sets HttpOnly/Lax session and readable Strict CSRF cookies', async () => {
    const client = new TestClient(base_url);
    const requested = await client.post('/api/auth/otp/request', { phone: '0912 777 0001', channel: 'sms' });
    expect(requested.body).toEqual({ channel: 'sms', expires_in_seconds: 120, resend_in_seconds: 60 });
    const inbox = await client.get<{ items: Array<{ phone: string; code: string; text: string; channel: string }> }>('/api/dev/sms-inbox');
    const item = inbox.body.items[0];
    expect(item).toMatchObject({ phone: '+989127770001', channel: 'sms' });
    expect(item?.text).toContain(item?.code ?? 'x');
    const verified = await client.request<MeBody>('POST', '/api/auth/otp/verify', { phone: '+989127770001', code: item?.code });
    expect(verified.status).toBe(200);
    expect(verified.body.user.phone).toBe('+989127770001');
    const cookies = verified.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('chaharsu_session=')) ?? '';
    const csrf = cookies.find((c) => c.startsWith('chaharsu_csrf=')) ?? '';
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/i); // Secure only in production
    expect(csrf).toMatch(/SameSite=Strict/i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(client.cookies.get('chaharsu_csrf')).toBe(verified.body.csrf_token);
    const me = await client.get<MeBody>('/api/me');
    expect(me.body).toMatchObject({ user: { phone: '+989127770001' }, telegram_linked: false, current_org_id: null, csrf_token: verified.body.csrf_token });
  });

  it('answers with the documented problem codes', async () => {
    const client = new TestClient(base_url);
    expect((await client.post<Problem>('/api/auth/otp/request', { phone: '12345', channel: 'sms' })).body.code).toBe('identity.phone_invalid');
    await client.post('/api/auth/otp/request', { phone: '09127770002', channel: 'sms' });
    const again = await client.post<Problem>('/api/auth/otp/request', { phone: '09127770002', channel: 'sms' });
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('identity.otp_resend_too_soon');
    expect(Number(again.body.params?.retry_after_seconds)).toBeGreaterThan(0);
    const wrong = await client.post<Problem>('/api/auth/otp/verify', { phone: '09127770002', code: '00000a' });
    expect([wrong.status, wrong.body.code, wrong.body.params?.attempts_left]).toEqual([400, 'identity.otp_invalid', 4]);
    const none = await client.post<Problem>('/api/auth/otp/verify', { phone: '09127770003', code: '123456' });
    expect([none.status, none.body.code]).toEqual([400, 'identity.otp_expired']);
    const password = await client.post<Problem>('/api/auth/password', { username: 'nobody', password: 'whatever' });
    expect([password.status, password.body.code]).toEqual([401, 'identity.credentials_invalid']);
    expect((await client.get<Problem>('/api/me')).status).toBe(401);
  });

  it('username + password sign-in sets the same cookies', async () => {
    const user = await h.tx((ctx) => h.module.api.findOrCreateUserByPhone(ctx, '+989127770010'));
    await h.tx((ctx) => h.module.api.setPassword(ctx, user.id, 'anbar', 'station password 1'));
    const client = new TestClient(base_url);
    const signed = await client.post<MeBody>('/api/auth/password', { username: 'anbar', password: 'station password 1' });
    expect(signed.status).toBe(200);
    expect(signed.body.user.id).toBe(user.id);
    expect((await client.get('/api/me')).status).toBe(200);
  });
});

describe('the signed-in person', () => {
  it('needs the CSRF header for changes; updates name and preferences', async () => {
    const client = new TestClient(base_url);
    await signIn(client, '+989127770020');
    const noCsrf = await client.patch<Problem>('/api/me', { display_name: 'رضا' }, { 'x-csrf-token': 'forged' });
    expect([noCsrf.status, noCsrf.body.code]).toEqual([403, 'common.csrf_failed']);
    const renamed = await client.patch<MeBody>('/api/me', { display_name: 'رضا' });
    expect(renamed.body.user.display_name).toBe('رضا');
    const prefs = { color_scheme: 'dark', primary_color: 'grape', font_size: 'xl', font_family: 'vazirmatn', locale: 'ar', money_unit: 'rial' };
    expect((await client.put('/api/me/preferences', prefs)).body).toEqual(prefs);
    expect((await client.put<Problem>('/api/me/preferences', { ...prefs, primary_color: 'hotpink' })).body.code).toBe('common.validation_failed');
    expect((await client.get<MeBody>('/api/me')).body.preferences).toEqual(prefs);
  });

  it('lists sessions, revokes another one, signs out', async () => {
    const laptop = new TestClient(base_url, { 'user-agent': 'laptop' });
    const phone = new TestClient(base_url, { 'user-agent': 'phone' });
    await signIn(laptop, '+989127770030');
    await sql`update identity.otp_challenges set created_at = created_at - interval '2 minutes' where phone = '+989127770030'`.execute(h.owner);
    await signIn(phone, '+989127770030');
    const list = await laptop.get<{ items: Array<{ id: string; current: boolean; user_agent: string }> }>('/api/me/sessions');
    expect(list.body.items.map((s) => [s.user_agent, s.current]).sort()).toEqual([['laptop', true], ['phone', false]]);
    const other = list.body.items.find((s) => !s.current)?.id ?? '';
    expect((await laptop.delete(`/api/me/sessions/${other}`)).status).toBe(204);
    expect((await phone.get('/api/me')).status).toBe(401);
    expect((await laptop.delete<Problem>(`/api/me/sessions/${newId()}`)).body.code).toBe('identity.session_not_found');
    expect((await laptop.post('/api/auth/sign-out')).status).toBe(204);
    expect(laptop.cookies.has('chaharsu_session')).toBe(false);
    expect((await laptop.get('/api/me')).status).toBe(401);
  });

  it('creates a Telegram deep link and unlinks', async () => {
    const client = new TestClient(base_url);
    await signIn(client, '+989127770040');
    const link = await client.post<{ url: string; expires_at: string }>('/api/me/telegram/link');
    expect(link.body.url).toMatch(/^https:\/\/t\.me\/chaharsu_test_bot\?start=[A-Za-z0-9_-]{32}$/);
    expect(new Date(link.body.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect((await client.delete('/api/me/telegram')).status).toBe(204);
  });
});

describe('API keys over HTTP', () => {
  it('an owner creates a key; a machine client uses it; revoked, it stops working', async () => {
    const client = new TestClient(base_url);
    const me = await signIn(client, '+989127770050');
    expect((await client.get<Problem>('/api/org/api-keys')).body.code).toBe('common.no_organisation_selected');
    const org_id = newId();
    const session = await sql<{ id: string }>`select id from identity.sessions where user_id = ${me.user.id}`.execute(h.owner);
    await h.tx((ctx) => h.module.api.setCurrentOrg(ctx, session.rows[0]?.id ?? '', org_id));
    const created = await client.post<{ id: string; name: string; scopes: string[]; key: string }>('/api/org/api-keys', { name: 'probe client', scopes: ['probe.read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'probe client', scopes: ['probe.read'] });
    const machine = new TestClient(base_url, { authorization: `Bearer ${created.body.key}` });
    expect((await machine.get('/api/probe')).body).toEqual({ org_id });
    const listed = await client.get<{ items: Array<{ id: string; prefix: string; last_used_at: string | null }> }>('/api/org/api-keys');
    expect(listed.body.items[0]?.id).toBe(created.body.id);
    // The prefix helps people tell keys apart: `csk_` and the first 8 characters of the secret part.
    expect(listed.body.items[0]?.prefix).toBe(`csk_${created.body.key.slice(48, 56)}`);
    expect(listed.body.items[0]?.last_used_at).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await client.delete(`/api/org/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await machine.get('/api/probe')).status).toBe(401);
  });
});

describe('the dev inbox', () => {
  it('exists only with the dev provider outside production', async () => {
    const real = await createHarness(testIdentityConfig({}, { sms: { ...testIdentityConfig().sms, provider: 'kavenegar', kavenegar: { api_key: 'k', template: 't', base_url: 'http://127.0.0.1:1' } } }));
    const other = await startApp(real);
    try {
      expect((await new TestClient(other.base_url).get('/api/dev/sms-inbox')).status).toBe(404);
      expect(real.module.dev_inbox).toBeNull();
    } finally {
      await other.app.close();
      await real.close();
    }
    expect(() => createSmsProvider({ ...testIdentityConfig(), production: true }, h.logger, new DevInbox())).toThrow(/not available in production/);
  });
});
