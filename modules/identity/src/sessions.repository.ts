/** Queries on identity.sessions. */
import { sql } from 'kysely';
import type { Db } from '@chaharsu/db';

export interface SessionRow {
  id: string;
  user_id: string;
  current_org_id: string | null;
  created_at: Date;
  last_seen_at: Date;
  revoked_at: Date | null;
  ip: string | null;
  user_agent: string | null;
}

export interface LiveSessionRow extends SessionRow {
  is_platform_admin: boolean;
  is_support_partner: boolean;
  active: boolean;
  locale: string | null;
  idle_seconds: number;
  age_seconds: number;
}

export async function insertSession(db: Db, row: { id: string; user_id: string; token_hash: string; ip: string | null; user_agent: string | null }): Promise<SessionRow> {
  return (await db.insertInto('identity.sessions').values(row).returning(['id', 'user_id', 'current_org_id', 'created_at', 'last_seen_at', 'revoked_at', 'ip', 'user_agent']).executeTakeFirstOrThrow()) as SessionRow;
}

/** The unrevoked session behind a token hash, with its person and how long it has been idle (database clock). */
export async function findSessionByTokenHash(db: Db, token_hash: string): Promise<LiveSessionRow | null> {
  const row = await db.selectFrom('identity.sessions as s')
    .innerJoin('identity.users as u', 'u.id', 's.user_id')
    .select([
      's.id', 's.user_id', 's.current_org_id', 's.created_at', 's.last_seen_at', 's.revoked_at', 's.ip', 's.user_agent',
      'u.is_platform_admin', 'u.is_support_partner', 'u.active',
      sql<string | null>`u.preferences->>'locale'`.as('locale'),
      sql<number>`extract(epoch from now() - s.last_seen_at)::float8`.as('idle_seconds'),
      sql<number>`extract(epoch from now() - s.created_at)::float8`.as('age_seconds'),
    ])
    .where('s.token_hash', '=', token_hash)
    .where('s.revoked_at', 'is', null)
    .executeTakeFirst();
  return (row as LiveSessionRow | undefined) ?? null;
}

/** Cheap touch: writes only when the last write is a minute old. */
export async function touchSession(db: Db, id: string, ip: string | null, user_agent: string | null): Promise<void> {
  await db.updateTable('identity.sessions')
    .set({ last_seen_at: sql`now()`, ip, user_agent })
    .where('id', '=', id)
    .where('last_seen_at', '<', sql<Date>`now() - interval '1 minute'`)
    .execute();
}

/** The person's sessions that may still be alive (not revoked, within the longest idle time and the maximum age). */
export async function listSessionsOfUser(db: Db, user_id: string, limits: { idle_minutes: number; max_age_days: number }): Promise<SessionRow[]> {
  return (await db.selectFrom('identity.sessions')
    .select(['id', 'user_id', 'current_org_id', 'created_at', 'last_seen_at', 'revoked_at', sql<string | null>`host(ip)`.as('ip'), 'user_agent'])
    .where('user_id', '=', user_id)
    .where('revoked_at', 'is', null)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(mins => ${limits.idle_minutes})`)
    .where('created_at', '>', sql<Date>`now() - make_interval(days => ${limits.max_age_days})`)
    .orderBy('last_seen_at', 'desc')
    .limit(200)
    .execute()) as SessionRow[];
}

export async function findSession(db: Db, id: string): Promise<SessionRow | null> {
  return ((await db.selectFrom('identity.sessions').select(['id', 'user_id', 'current_org_id', 'created_at', 'last_seen_at', 'revoked_at', 'ip', 'user_agent']).where('id', '=', id).executeTakeFirst()) as SessionRow | undefined) ?? null;
}

export async function revokeSession(db: Db, id: string, user_id: string): Promise<boolean> {
  const row = await db.updateTable('identity.sessions').set({ revoked_at: sql`now()` })
    .where('id', '=', id).where('user_id', '=', user_id).where('revoked_at', 'is', null)
    .returning(['id']).executeTakeFirst();
  return Boolean(row);
}

export async function setSessionOrg(db: Db, id: string, org_id: string | null): Promise<SessionRow | null> {
  return ((await db.updateTable('identity.sessions').set({ current_org_id: org_id }).where('id', '=', id).where('revoked_at', 'is', null)
    .returning(['id', 'user_id', 'current_org_id', 'created_at', 'last_seen_at', 'revoked_at', 'ip', 'user_agent']).executeTakeFirst()) as SessionRow | undefined) ?? null;
}
