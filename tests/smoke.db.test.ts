import { describe, it, expect } from 'vitest';
import { sql } from 'kysely';
import { inTransaction, prepared } from '@chaharsu/db';
import { createTestDatabase, openTestDb } from '@chaharsu/db/testing';

describe('test database', () => {
  it('is a migrated clone the app role reaches, with row-level security in force', async () => {
    const database = await createTestDatabase();
    const { db, close } = openTestDb(database.app_url);
    try {
      const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`select rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(db);
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const forced = await sql<{ relforcerowsecurity: boolean }>`select relforcerowsecurity from pg_class where oid = 'audit.audit_log'::regclass`.execute(db);
      expect(forced.rows[0]?.relforcerowsecurity).toBe(true);
    } finally {
      await close();
      await database.drop();
    }
  });

  it('runs statements marked prepared() as named prepared statements, parsed once per connection', async () => {
    const database = await createTestDatabase();
    const { db, close } = openTestDb(database.app_url, 1);
    try {
      const twice = await db.connection().execute(async (connection) => {
        const first = await sql<{ n: number }>`${prepared('smoke_add')} select ${1}::int + ${2}::int as n`.execute(connection);
        const second = await sql<{ n: number }>`${prepared('smoke_add')} select ${1}::int + ${2}::int as n`.execute(connection);
        const named = await sql<{ name: string; calls: number }>`select name from pg_prepared_statements where name = 'smoke_add'`.execute(connection);
        return { sums: [first.rows[0]?.n, second.rows[0]?.n], named: named.rows.map((r) => r.name) };
      });
      expect(twice).toEqual({ sums: [3, 3], named: ['smoke_add'] });
      expect(() => prepared('Not A Name')).toThrow(/not a lower-case identifier/);
    } finally {
      await close();
      await database.drop();
    }
  });

  it('sends begin with the row-level-security scope in one round trip, and keeps transactions whole either way', async () => {
    const database = await createTestDatabase();
    const { db, close } = openTestDb(database.app_url, 1);
    try {
      const org_id = '01a20000-0000-7000-8000-000000000001';
      // The usual path: begin + scope together; a quote in a value is data, not SQL.
      const scoped = await inTransaction(db, { org_id, user_id: null }, async (tx) => (await sql<{ org: string; user: string; xact: boolean }>`
        select current_setting('app.org_id') as org, current_setting('app.user_id') as user, now() <> statement_timestamp() as xact`.execute(tx)).rows[0]);
      // now() is the transaction's start, before this statement's: the scope ran inside the transaction.
      expect(scoped).toEqual({ org: org_id, user: '', xact: true });
      await expect(inTransaction(db, { org_id: "x'; drop table audit.audit_log; --", user_id: null }, async () => 1)).resolves.toBe(1);
      const still = await sql<{ n: string }>`select count(*)::text as n from pg_class where oid = 'audit.audit_log'::regclass`.execute(db);
      expect(still.rows[0]?.n).toBe('1');
      // The scope is local to the transaction: gone after commit.
      expect((await sql<{ org: string }>`select current_setting('app.org_id', true) as org`.execute(db)).rows[0]?.org ?? '').toBe('');
      // A transaction whose first statement is something else still begins first: both statements see one transaction.
      const ids = await db.transaction().execute(async (tx) => {
        const a = await sql<{ id: string }>`select txid_current()::text as id`.execute(tx);
        const b = await sql<{ id: string }>`select txid_current()::text as id`.execute(tx);
        return [a.rows[0]?.id, b.rows[0]?.id];
      });
      expect(ids[0]).toBeDefined();
      expect(ids[1]).toBe(ids[0]);
      // And a failing scope leaves the connection usable.
      await expect(inTransaction(db, { org_id: 'not-a-uuid', user_id: null }, async (tx) => sql`select platform.current_org_id()`.execute(tx))).rejects.toThrow(/uuid/);
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]?.one).toBe(1);
    } finally {
      await close();
      await database.drop();
    }
  });
});
