import { describe, it, expect } from 'vitest';
import { sql } from 'kysely';
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
});
