/**
 * `branches.findWarehouse`: the one-probe warehouse check other modules make on every request (inventory's
 * stock movements ask whether a warehouse exists and is usable through it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { inTransaction, type Db } from '@chaharsu/db';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import { newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { createAuditApi } from '@chaharsu/audit';
import { createOrgsModule, type IdentityPort, type OrgsApi } from './index.js';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
let orgs: OrgsApi;
const orgA = newId();
const orgB = newId();
const owner = newId();

/** findWarehouse and the branch services never reach identity; any call would be a test failure. */
const noIdentity = new Proxy({}, { get: () => () => { throw new Error('identity is not used here'); } }) as IdentityPort;

function as<T>(org_id: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return inTransaction(db, { org_id, user_id: owner }, (tx) => fn({
    request_id: 'test', actor: { kind: 'user', user_id: owner, session_id: null, is_platform_admin: false, is_support_partner: false },
    org_id, branch_id: null, permissions: new Set(['*']), ip: null, user_agent: null, locale: 'fa', logger: pino({ level: 'silent' }), db: tx,
  }));
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  orgs = createOrgsModule({ db, audit: createAuditApi(), identity: noIdentity }).api;
  for (const [org_id, slug] of [[orgA, 'wh-a'], [orgB, 'wh-b']] as const) {
    await inTransaction(db, { org_id, user_id: null }, (tx) => tx.insertInto('orgs.organisation').values({ org_id, slug, name: slug }).execute());
  }
});

afterAll(async () => {
  await close();
  await database.drop();
});

describe('branches.findWarehouse', () => {
  it('finds a warehouse of the organisation with its branch state, and nothing for unknown ids or other organisations', async () => {
    const { central, shop, main, spare } = await as(orgA, async (ctx) => {
      const central = await orgs.branches.createBranch(ctx, { name: 'انبار مرکزی', is_central_warehouse: true });
      const shop = await orgs.branches.createBranch(ctx, { name: 'شعبه ونک' });
      const main = await orgs.branches.createWarehouse(ctx, central.id, { name: 'انبار اصلی' });
      const spare = await orgs.branches.createWarehouse(ctx, shop.id, { name: 'انبار شعبه' });
      return { central, shop, main, spare };
    });
    const found = await as(orgA, (ctx) => orgs.branches.findWarehouse(ctx, main.id));
    expect(found).toMatchObject({ id: main.id, branch_id: central.id, active: true, is_default: true, branch_active: true, branch_is_central_warehouse: true });

    await as(orgA, (ctx) => orgs.branches.updateBranch(ctx, shop.id, { active: false }));
    expect(await as(orgA, (ctx) => orgs.branches.findWarehouse(ctx, spare.id)))
      .toMatchObject({ id: spare.id, active: true, branch_active: false, branch_is_central_warehouse: false });

    expect(await as(orgA, (ctx) => orgs.branches.findWarehouse(ctx, newId()))).toBeNull();
    expect(await as(orgB, (ctx) => orgs.branches.findWarehouse(ctx, main.id))).toBeNull();
  });

  it('reports a deactivated warehouse as inactive', async () => {
    const second = await as(orgB, async (ctx) => {
      const branch = await orgs.branches.createBranch(ctx, { name: 'شعبه تجریش' });
      await orgs.branches.createWarehouse(ctx, branch.id, { name: 'اصلی' });
      const second = await orgs.branches.createWarehouse(ctx, branch.id, { name: 'فرعی' });
      await orgs.branches.updateWarehouse(ctx, second.id, { active: false });
      return second;
    });
    expect(await as(orgB, (ctx) => orgs.branches.findWarehouse(ctx, second.id))).toMatchObject({ active: false, is_default: false, branch_active: true });
  });
});
