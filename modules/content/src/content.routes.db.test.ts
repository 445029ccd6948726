/**
 * The content routes over real HTTP on the real server (demo seed: 09120000001 is the platform admin),
 * signing in like a person: overrides published with a version and ETag, the editor's rules, all-or-nothing
 * imports, help guides with the Persian fallback, the audit trail, and row-level security as a second wall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMessages } from '@chaharsu/i18n';
import { inTransaction } from '@chaharsu/db';
import { openTestDb } from '@chaharsu/db/testing';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import type { HelpPage, PublicOverrides, TranslationPage } from './content.contracts.js';

const ADMIN = '09120000001';
const NOBODY = '09120000099';
const fa = defaultMessages('fa');

let t: TestServer;
let admin: TestClient;

interface Problem { code: string; errors?: Array<{ path: string; code: string }> }

beforeAll(async () => {
  t = await startTestServer({ SEED_DEMO: 'true', ...SIGN_IN_FRIENDLY_ENV });
  admin = t.client();
  await signIn(admin, ADMIN);
});

afterAll(async () => {
  await t?.close();
});

describe('published overrides', () => {
  it('start empty at version 0, and a poll with the ETag costs a 304', async () => {
    const anonymous = t.client();
    const first = await anonymous.get<PublicOverrides>('/api/i18n/fa');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ locale: 'fa', version: 0, overrides: {} });
    const etag = first.headers.get('etag');
    expect(etag).toBe('"fa-0"');
    const again = await anonymous.get('/api/i18n/fa', { 'if-none-match': etag! });
    expect(again.status).toBe(304);
  });

  it('carry an edit to everyone at once, under a new version', async () => {
    const anonymous = t.client();
    const before = await anonymous.get<PublicOverrides>('/api/i18n/en');
    const saved = await admin.put<{ key: string; value: string; version: number }>('/api/platform/translations/en', { key: 'auth.phone_label', value: 'Your mobile' });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ key: 'auth.phone_label', value: 'Your mobile', version: before.body.version + 1 });
    const after = await anonymous.get<PublicOverrides>('/api/i18n/en', { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.body.overrides['auth.phone_label']).toBe('Your mobile');
    expect(after.headers.get('etag')).toBe(`"en-${saved.body.version}"`);
  });

  it('refuse a language the product does not have', async () => {
    const response = await t.client().get<Problem>('/api/i18n/xx');
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('content.locale_unknown');
  });
});

describe('the translations editor', () => {
  it('is closed to strangers and to people without the platform permission', async () => {
    expect((await t.client().put('/api/platform/translations/fa', { key: 'auth.title', value: 'x' })).status).toBe(401);
    const nobody = t.client();
    await signIn(nobody, NOBODY);
    const refused = await nobody.put<Problem>('/api/platform/translations/fa', { key: 'auth.title', value: 'x' });
    expect(refused.status).toBe(403);
    expect((await nobody.get('/api/platform/translations?locale=fa')).status).toBe(403);
  });

  it('refuses keys that are not in the catalogue and texts that lose a placeholder', async () => {
    const typo = await admin.put<Problem>('/api/platform/translations/fa', { key: 'auth.titel', value: 'ورود' });
    expect([typo.status, typo.body.code]).toEqual([422, 'content.unknown_key']);
    const lost = await admin.put<Problem>('/api/platform/translations/fa', { key: 'auth.code_sent_sms', value: 'رمز فرستاده شد.' });
    expect([lost.status, lost.body.code]).toEqual([422, 'content.placeholders_mismatch']);
    const long = await admin.put<Problem>('/api/platform/translations/fa', { key: 'auth.title', value: 'ب'.repeat(2001) });
    expect([long.status, long.body.code]).toEqual([422, 'content.value_invalid']);
    const language = await admin.put<Problem>('/api/platform/translations/xx', { key: 'auth.title', value: 'x' });
    expect([language.status, language.body.code]).toEqual([422, 'content.locale_unknown']);
  });

  it('finds texts whatever letter forms and digits the admin types', async () => {
    // The default says «ورود یا ثبت‌نام» (Persian ی, zero-width non-joiner); type Arabic ي and a plain space.
    const found = await admin.get<TranslationPage>(`/api/platform/translations?locale=fa&search=${encodeURIComponent('ورود يا ثبت نام')}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((i) => i.key)).toContain('auth.title');
    const item = found.body.items.find((i) => i.key === 'auth.title');
    expect(item).toMatchObject({ default_value: fa['auth.title'], override_value: null, updated_at: null });
  });

  it('lists every key with its default, pages them, and can show only the changed ones', async () => {
    const all = await admin.get<TranslationPage>('/api/platform/translations?locale=fa&limit=10&offset=5');
    expect(all.body.total).toBe(Object.keys(fa).length);
    expect(all.body.items).toHaveLength(10);
    await admin.put('/api/platform/translations/fa', { key: 'auth.title', value: 'ورود به چهارسو' });
    const changed = await admin.get<TranslationPage>('/api/platform/translations?locale=fa&only_overridden=true');
    expect(changed.body.items.map((i) => [i.key, i.override_value])).toEqual([['auth.title', 'ورود به چهارسو']]);
    expect(changed.body.items[0]?.updated_at).toBeTruthy();
  });

  it('puts a text back to its default, and that is a new version too', async () => {
    await admin.put('/api/platform/translations/fa', { key: 'auth.channel_sms', value: 'اس‌ام‌اس' });
    const before = await t.client().get<PublicOverrides>('/api/i18n/fa');
    expect(before.body.overrides['auth.channel_sms']).toBe('اس‌ام‌اس');
    const reset = await admin.delete(`/api/platform/translations/fa/${encodeURIComponent('auth.channel_sms')}`);
    expect(reset.status).toBe(204);
    const after = await t.client().get<PublicOverrides>('/api/i18n/fa');
    expect(after.body.overrides['auth.channel_sms']).toBeUndefined();
    expect(after.body.version).toBe(before.body.version + 1);
    // Resetting a text that is already the default changes nothing.
    expect((await admin.delete('/api/platform/translations/fa/auth.channel_sms')).status).toBe(204);
    expect((await t.client().get<PublicOverrides>('/api/i18n/fa')).body.version).toBe(after.body.version);
  });
});

describe('import and export', () => {
  it('writes nothing when one entry is bad, and says which', async () => {
    const before = await admin.get<{ entries: Record<string, string> }>('/api/platform/translations/en/export');
    const version = (await t.client().get<PublicOverrides>('/api/i18n/en')).body.version;
    const response = await admin.post<Problem>('/api/platform/translations/en/import', { entries: {
      'auth.channel_sms': 'Text message',
      'auth.no_such_key': 'Oops',
      'auth.code_sent_sms': 'Code sent.',
    } });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('content.import_invalid');
    expect(response.body.errors?.map((e) => [e.path, e.code]).sort()).toEqual([
      ['auth.code_sent_sms', 'content.placeholders_mismatch'],
      ['auth.no_such_key', 'content.unknown_key'],
    ]);
    expect((await admin.get('/api/platform/translations/en/export')).body).toEqual(before.body);
    expect((await t.client().get<PublicOverrides>('/api/i18n/en')).body.version).toBe(version);
  });

  it('writes every entry under one new version, and the export gives them back', async () => {
    const version = (await t.client().get<PublicOverrides>('/api/i18n/ar')).body.version;
    const entries = { 'auth.channel_sms': 'رسالة نصية', 'auth.code_sent_sms': 'أُرسل الرمز إلى {{phone}}' };
    const response = await admin.post<{ imported: number; version: number }>('/api/platform/translations/ar/import', { entries });
    expect(response.body).toEqual({ imported: 2, version: version + 1 });
    expect((await admin.get('/api/platform/translations/ar/export')).body).toEqual({ locale: 'ar', entries });
    expect((await t.client().get<PublicOverrides>('/api/i18n/ar')).body.overrides).toEqual(entries);
  });
});

describe('help guides', () => {
  it('are missing until written, then fall back to Persian, then speak the language asked for', async () => {
    const missing = await t.client().get<Problem>('/api/help/orgs.staff?locale=en');
    expect([missing.status, missing.body.code]).toEqual([404, 'help.not_found']);
    const saved = await admin.put<HelpPage>('/api/platform/help/orgs.staff', { locale: 'fa', title: 'کارکنان', body_markdown: '## افزودن کارمند\nدکمهٔ **کارمند تازه**.' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ page_key: 'orgs.staff', locale: 'fa', title: 'کارکنان' });
    const fallback = await t.client().get<HelpPage>('/api/help/orgs.staff?locale=en');
    expect(fallback.body).toMatchObject({ locale: 'fa', title: 'کارکنان' });
    await admin.put('/api/platform/help/orgs.staff', { locale: 'en', title: 'Staff', body_markdown: 'Press **New member**.' });
    const english = await t.client().get<HelpPage>('/api/help/orgs.staff?locale=en');
    expect(english.body).toMatchObject({ locale: 'en', title: 'Staff', body_markdown: 'Press **New member**.' });
    const list = await admin.get<{ items: HelpPage[] }>('/api/platform/help');
    expect(list.body.items.map((p) => [p.page_key, p.locale])).toEqual([['orgs.staff', 'en'], ['orgs.staff', 'fa']]);
  });

  it('cannot be written by someone without the platform permission', async () => {
    const nobody = t.client();
    await signIn(nobody, NOBODY);
    expect((await nobody.put('/api/platform/help/home', { locale: 'fa', title: 'x', body_markdown: 'y' })).status).toBe(403);
  });
});

describe('the audit trail', () => {
  it('records each change at platform level, with the text before and after', async () => {
    await admin.put('/api/platform/translations/uz', { key: 'auth.channel_sms', value: 'SMS xabar' });
    await admin.put('/api/platform/translations/uz', { key: 'auth.channel_sms', value: 'SMS' });
    const audit = await admin.get<{ items: Array<{ org_id: string | null; action: string; entity_id: string; before: unknown; after: unknown }> }>(
      `/api/platform/audit?entity_type=translation&entity_id=${encodeURIComponent('uz:auth.channel_sms')}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((r) => [r.org_id, r.action, r.before, (r.after as { value: string }).value])).toEqual([
      [null, 'content.translation_saved', { value: 'SMS xabar' }, 'SMS'],
      [null, 'content.translation_saved', null, 'SMS xabar'],
    ]);
    const help = await admin.get<{ items: Array<{ action: string }> }>('/api/platform/audit?entity_type=help_page');
    expect(help.body.items.map((r) => r.action)).toContain('content.help_saved');
  });
});

describe('row-level security', () => {
  it('lets the app role read content but write it only in a platform admin\'s transaction', async () => {
    const { db, close } = openTestDb(t.database.app_url);
    try {
      const scope = { org_id: null, user_id: null, platform_admin: false };
      const rows = await inTransaction(db, scope, (tx) => tx.selectFrom('content.translation_overrides').select('key').execute());
      expect(rows.length).toBeGreaterThan(0);
      const write = inTransaction(db, scope, (tx) => tx.insertInto('content.translation_overrides').values({ locale: 'fa', key: 'auth.password', value: 'رمز' }).execute());
      await expect(write).rejects.toThrow(/row-level security/);
      const bump = await inTransaction(db, scope, (tx) => tx.updateTable('content.catalogue_version').set({ version: 999 }).where('locale', '=', 'fa').executeTakeFirst());
      expect(Number(bump.numUpdatedRows)).toBe(0);
    } finally {
      await close();
    }
  });
});
