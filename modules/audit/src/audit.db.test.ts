import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pino from 'pino';
import { inTransaction, type Db } from '@chaharsu/db';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import { newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { createAuditApi } from './index.js';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
const audit = createAuditApi();
const org_id = newId();
const user_id = newId();

function as<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return inTransaction(db, { org_id, user_id }, (tx) => fn({
    request_id: `test:${newId()}`, actor: { kind: 'user', user_id, session_id: null, is_platform_admin: false, is_support_partner: false },
    org_id, branch_id: null, permissions: new Set(['*']), ip: '127.0.0.1', user_agent: 'test', locale: 'fa', logger: pino({ level: 'silent' }), db: tx,
  }));
}
const recordsOf = (entity_id: string) => as((ctx) => audit.list(ctx, { entity_id, limit: 50, offset: 0 }));

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url, 2));
});
afterAll(async () => { await close(); await database.drop(); });

describe('audit records', () => {
  it('keep no secrets: password, token, secret, OTP and hash fields are redacted at any depth; bigints become strings', async () => {
    const entity_id = newId();
    await as((ctx) => audit.record(ctx, {
      action: 'identity.user.update', entity_type: 'identity.user', entity_id,
      before: { name: 'مریم', password: 'old-pass', sessions: [{ refresh_token: 'r1', device: 'phone' }] },
      after: { name: 'مریم', password_hash: '$argon2id$…', api: { secret: 's', key_hash: 'h', otp: '123456' }, balance_rial: 12_000_000_000n, note: null },
    }));
    const { items } = await recordsOf(entity_id);
    expect(items).toHaveLength(1);
    expect(items[0]?.before).toEqual({ name: 'مریم', password: '[redacted]', sessions: [{ refresh_token: '[redacted]', device: 'phone' }] });
    expect(items[0]?.after).toEqual({ name: 'مریم', password_hash: '[redacted]', api: { secret: '[redacted]', key_hash: '[redacted]', otp: '[redacted]' }, balance_rial: '12000000000', note: null });
  });

  it('commit with the change they describe: seen later in the same transaction, gone when it rolls back', async () => {
    const kept = newId();
    const seenInside = await as(async (ctx) => {
      await audit.record(ctx, { action: 'catalog.product.create', entity_type: 'catalog.product', entity_id: kept, after: { code: 'A-1' } });
      return (await audit.list(ctx, { entity_id: kept, limit: 50, offset: 0 })).total;
    });
    expect(seenInside).toBe(1);
    const dropped = newId();
    await expect(as(async (ctx) => {
      await audit.record(ctx, { action: 'catalog.product.create', entity_type: 'catalog.product', entity_id: dropped, after: { code: 'A-2' } });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect((await recordsOf(dropped)).total).toBe(0);
    expect((await recordsOf(kept)).items.map((r) => r.after)).toEqual([{ code: 'A-1' }]);
  });
});
