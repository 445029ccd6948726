import { describe, it, expect } from 'vitest';
import { sql } from 'kysely';
import { prepared } from '@chaharsu/db';
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
});
