import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import { createHarness, errorOf, type Harness } from './testing/harness.js';
import { parseApiKey } from './api-keys.service.js';

let h: Harness;
const orgA = newId();
const orgB = newId();
beforeAll(async () => { h = await createHarness(); });
afterAll(async () => { await h.close(); });

const inOrg = (org_id: string) => ({ org_id });

describe('API keys', () => {
  it('creates a key shown once, stored hashed, that resolves to its organisation and scopes', async () => {
    const created = await h.tx((ctx) => h.module.api.createApiKey(ctx, { org_id: orgA, name: 'seller app', scopes: ['credit.sell', 'credit.read'] }), inOrg(orgA));
    expect(created.key).toMatch(/^csk_[A-Za-z0-9_-]{43}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(created.key)).toMatchObject({ org_id: orgA, key_id: created.id });
    const resolved = await h.module.api.resolveApiKey(created.key);
    expect(resolved).toEqual({ api_key_id: created.id, org_id: orgA, scopes: ['credit.sell', 'credit.read'], subject_id: null });
    const stored = await sql<{ key_hash: string; last_used_at: Date | null }>`select key_hash, last_used_at from identity.api_keys where id = ${created.id}`.execute(h.su);
    expect(created.key).not.toContain(stored.rows[0]?.key_hash);
    expect(stored.rows[0]?.last_used_at).not.toBeNull();
    const audit = await sql<{ after: Record<string, unknown> }>`select after from audit.audit_log where entity_id = ${created.id}`.execute(h.su);
    expect(JSON.stringify(audit.rows)).not.toContain(created.key.split('_').pop());
  });

  it('refuses a wrong secret, a key moved to another organisation, garbage and revoked keys', async () => {
    const created = await h.tx((ctx) => h.module.api.createApiKey(ctx, { org_id: orgA, name: 'agent', scopes: ['agent.sync'] }), inOrg(orgA));
    const parts = parseApiKey(created.key);
    if (!parts) throw new Error('unparseable');
    const wrongSecret = `${created.key.slice(0, -4)}AAAA`;
    expect(await h.module.api.resolveApiKey(wrongSecret === created.key ? `${created.key.slice(0, -4)}BBBB` : wrongSecret)).toBeNull();
    const ids = Buffer.concat([Buffer.from(orgB.replace(/-/g, ''), 'hex'), Buffer.from(created.id.replace(/-/g, ''), 'hex')]).toString('base64url');
    expect(await h.module.api.resolveApiKey(`csk_${ids}_${parts.secret}`)).toBeNull();
    expect(await h.module.api.resolveApiKey('csk_nonsense')).toBeNull();
    await h.tx((ctx) => h.module.api.revokeApiKey(ctx, created.id), inOrg(orgA));
    expect(await h.module.api.resolveApiKey(created.key)).toBeNull();
    expect((await errorOf(h.tx((ctx) => h.module.api.revokeApiKey(ctx, created.id), inOrg(orgA)))).code).toBe('identity.api_key_not_found');
  });

  it('one organisation never sees or revokes another\'s keys (query filter and row-level security)', async () => {
    const created = await h.tx((ctx) => h.module.api.createApiKey(ctx, { org_id: orgA, name: 'a-only', scopes: ['x.read'] }), inOrg(orgA));
    const seenByB = await h.tx((ctx) => h.module.services.apiKeys.list(ctx), inOrg(orgB));
    expect(seenByB.map((k) => k.id)).not.toContain(created.id);
    expect((await errorOf(h.tx((ctx) => h.module.api.revokeApiKey(ctx, created.id), inOrg(orgB)))).code).toBe('identity.api_key_not_found');
    const raw = await h.tx((ctx) => ctx.db.selectFrom('identity.api_keys').select('id').execute(), inOrg(orgB));
    expect(raw).toEqual([]);
    const listA = await h.tx((ctx) => h.module.services.apiKeys.list(ctx), inOrg(orgA));
    expect(listA.find((k) => k.id === created.id)).toMatchObject({ name: 'a-only', prefix: expect.stringMatching(/^csk_.{8}$/), revoked_at: null });
  });

  it('refuses malformed scopes', async () => {
    expect((await errorOf(h.tx((ctx) => h.module.api.createApiKey(ctx, { org_id: orgA, name: 'bad', scopes: ['Not A Scope'] }), inOrg(orgA)))).code).toBe('identity.scope_invalid');
  });
});
