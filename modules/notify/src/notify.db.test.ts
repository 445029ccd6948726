import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pino from 'pino';
import pg from 'pg';
import { inTransaction, type Db } from '@chaharsu/db';
import { newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import { createNotifyApi } from './notify.service.js';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
const api = createNotifyApi();
const org = newId();
const otherOrg = newId();
const alice = newId();
const bob = newId();

function as<T>(org_id: string | null, user_id: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return inTransaction(db, { org_id, user_id }, (tx) => fn({
    request_id: 'test', actor: { kind: 'user', user_id, session_id: null, is_platform_admin: false, is_support_partner: false },
    org_id, branch_id: null, permissions: new Set(), ip: null, user_agent: null, locale: 'fa', logger: pino({ level: 'silent' }), db: tx,
  }));
}

const message = (recipients: string[], dedupe_key: string | null = null) => ({
  kind: 'inventory.low_stock', title_key: 'inventory.notifications.low_stock', params: { code: 'A-1' }, link: '/inventory/low-stock', dedupe_key, recipient_user_ids: recipients,
});

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
});
afterAll(async () => { await close(); await database.drop(); });

describe('in-app notifications', () => {
  it('reach each recipient in their own list, from every organisation, and only them', async () => {
    await as(org, alice, (ctx) => api.send(ctx, message([alice, bob])));
    await as(otherOrg, alice, (ctx) => api.send(ctx, message([alice])));
    const aliceList = await as(null, alice, (ctx) => api.listMine(ctx, { unread_only: false, limit: 50, offset: 0 }));
    expect(aliceList.items.map((n) => n.org_id).sort()).toEqual([org, otherOrg].sort());
    expect(aliceList.unread_count).toBe(2);
    const bobList = await as(null, bob, (ctx) => api.listMine(ctx, { unread_only: false, limit: 50, offset: 0 }));
    expect(bobList.items).toHaveLength(1);
    // Bob cannot mark Alice's notification read.
    await expect(as(null, bob, (ctx) => api.markRead(ctx, aliceList.items[0]?.id ?? ''))).rejects.toMatchObject({ code: 'notify.not_found' });
    const read = await as(null, alice, (ctx) => api.markRead(ctx, aliceList.items[0]?.id ?? ''));
    expect(read.read_at).not.toBeNull();
    expect((await as(null, alice, (ctx) => api.listMine(ctx, { unread_only: true, limit: 50, offset: 0 }))).total).toBe(1);
    expect(await as(null, alice, (ctx) => api.markAllRead(ctx))).toBe(1);
  });

  it('does not repeat a notification while one with the same dedupe key is unread', async () => {
    const first = await as(org, bob, (ctx) => api.send(ctx, message([bob], 'stock:w1:i1')));
    const repeat = await as(org, bob, (ctx) => api.send(ctx, message([bob], 'stock:w1:i1')));
    expect(first).toHaveLength(1);
    expect(repeat).toHaveLength(0);
    await as(null, bob, (ctx) => api.markRead(ctx, first[0] ?? ''));
    expect(await as(org, bob, (ctx) => api.send(ctx, message([bob], 'stock:w1:i1')))).toHaveLength(1);
  });

  it('announces a committed notification on the PostgreSQL channel a live pusher will listen on', async () => {
    const pgClient = new pg.Client({ connectionString: database.app_url });
    await pgClient.connect();
    const received: string[] = [];
    pgClient.on('notification', (n) => { if (n.payload) received.push(n.payload); });
    await pgClient.query('listen chaharsu_notification');
    const [id] = await as(org, alice, (ctx) => api.send(ctx, message([alice])));
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await pgClient.end();
    expect(received.map((p) => JSON.parse(p) as { id: string; user_id: string })).toContainEqual({ org_id: org, id, user_id: alice });
  });
});
