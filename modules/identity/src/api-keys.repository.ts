/** Queries on identity.api_keys (tenant table: every query names the organisation; RLS is the second wall). */
import { sql } from 'kysely';
import type { Db } from '@chaharsu/db';

export interface ApiKeyRow {
  org_id: string;
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  subject_id: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export async function insertApiKey(db: Db, row: { org_id: string; id: string; name: string; prefix: string; key_hash: string; scopes: string[]; subject_id: string | null; created_by: string | null }): Promise<ApiKeyRow> {
  return (await db.insertInto('identity.api_keys').values(row).returningAll().executeTakeFirstOrThrow()) as ApiKeyRow;
}

export async function listApiKeys(db: Db, org_id: string): Promise<ApiKeyRow[]> {
  return (await db.selectFrom('identity.api_keys').selectAll().where('org_id', '=', org_id).orderBy('created_at', 'desc').limit(1000).execute()) as ApiKeyRow[];
}

export async function findApiKey(db: Db, org_id: string, id: string): Promise<ApiKeyRow | null> {
  return ((await db.selectFrom('identity.api_keys').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst()) as ApiKeyRow | undefined) ?? null;
}

export async function revokeApiKey(db: Db, org_id: string, id: string): Promise<ApiKeyRow | null> {
  return ((await db.updateTable('identity.api_keys').set({ revoked_at: sql`now()` })
    .where('org_id', '=', org_id).where('id', '=', id).where('revoked_at', 'is', null)
    .returningAll().executeTakeFirst()) as ApiKeyRow | undefined) ?? null;
}

/** Writes last_used_at at most once a minute per key. */
export async function touchApiKey(db: Db, org_id: string, id: string): Promise<void> {
  await db.updateTable('identity.api_keys').set({ last_used_at: sql`now()` })
    .where('org_id', '=', org_id).where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}
