/**
 * The second wall, on its own: row-level security of the orgs tables for the app role (the server's role),
 * without any of the service's explicit filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, pgErrorCode, type Db, type RlsScope } from '@chaharsu/db';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import { newId } from '@chaharsu/kit';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
const orgA = newId();
const orgB = newId();
const alice = newId(); // member of A and B
const bob = newId(); // member of A only

const run = <T>(scope: RlsScope, fn: Parameters<typeof inTransaction<T>>[2]) => inTransaction<T>(db, scope, fn);

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  for (const [org_id, slug, members] of [[orgA, 'org-a', [alice, bob]], [orgB, 'org-b', [alice]]] as const) {
    await run({ org_id, user_id: null }, async (tx) => {
      await tx.insertInto('orgs.organisation').values({ org_id, slug, name: slug }).execute();
      for (const user_id of members) await tx.insertInto('orgs.membership').values({ org_id, id: newId(), user_id, roles: ['staff'] }).execute();
    });
  }
});

afterAll(async () => {
  await close();
  await database.drop();
});

describe('row-level security of orgs', () => {
  it('shows a person their own memberships everywhere, and an organisation only its own', async () => {
    const own = await run({ org_id: null, user_id: alice }, (tx) => tx.selectFrom('orgs.membership').select('org_id').execute());
    expect(own.map((r) => r.org_id).sort()).toEqual([orgA, orgB].sort());
    const inA = await run({ org_id: orgA, user_id: bob }, (tx) => tx.selectFrom('orgs.membership').select('org_id').execute());
    expect(new Set(inA.map((r) => r.org_id))).toEqual(new Set([orgA]));
    const orgsSeenByBob = await run({ org_id: null, user_id: bob }, (tx) => tx.selectFrom('orgs.organisation').select('slug').execute());
    expect(orgsSeenByBob.map((r) => r.slug)).toEqual(['org-a']);
    const nobody = await run({ org_id: null, user_id: null }, (tx) => tx.selectFrom('orgs.organisation').select('slug').execute());
    expect(nobody).toEqual([]);
  });

  it('refuses a person changing their own membership of another organisation', async () => {
    const attempt = run({ org_id: orgA, user_id: alice }, (tx) =>
      tx.updateTable('orgs.membership').set({ roles: ['owner'] }).where('org_id', '=', orgB).where('user_id', '=', alice).execute());
    await expect(attempt).rejects.toSatisfy((e: unknown) => pgErrorCode(e) === '42501');
    const roles = await run({ org_id: orgB, user_id: null }, (tx) => tx.selectFrom('orgs.membership').select('roles').where('user_id', '=', alice).executeTakeFirst());
    expect(roles?.roles).toEqual(['staff']);
  });

  it('refuses writing a row into another organisation', async () => {
    const attempt = run({ org_id: orgA, user_id: bob }, (tx) => tx.insertInto('orgs.branch').values({ org_id: orgB, id: newId(), name: 'x' }).execute());
    await expect(attempt).rejects.toSatisfy((e: unknown) => pgErrorCode(e) === '42501');
  });

  it('keeps leads for platform admins and chooser settings for their person', async () => {
    const lead = newId();
    await run({ org_id: null, user_id: null }, (tx) => tx.insertInto('orgs.lead').values({ id: lead, name: 'n', phone: '+989120000000', business: 'b', city: 'c', want: 'buy' }).execute());
    expect(await run({ org_id: orgA, user_id: bob }, (tx) => tx.selectFrom('orgs.lead').select('id').execute())).toEqual([]);
    expect(await run({ org_id: null, user_id: bob, platform_admin: true }, (tx) => tx.selectFrom('orgs.lead').select('id').execute())).toEqual([{ id: lead }]);

    await run({ org_id: null, user_id: alice }, (tx) => tx.insertInto('orgs.person_setting').values({ user_id: alice, default_org_id: orgB }).execute());
    expect(await run({ org_id: null, user_id: bob }, (tx) => tx.selectFrom('orgs.person_setting').selectAll().execute())).toEqual([]);
    const forged = run({ org_id: null, user_id: bob }, (tx) => tx.insertInto('orgs.person_setting').values({ user_id: newId(), default_org_id: orgB }).execute());
    await expect(forged).rejects.toSatisfy((e: unknown) => pgErrorCode(e) === '42501');
  });
});
