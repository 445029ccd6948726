/** Queries on identity.otp_challenges and identity.auth_events. */
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import type { Db } from '@chaharsu/db';

export interface ChallengeState {
  id: string;
  code_hash: string;
  channel: 'sms' | 'telegram';
  attempts: number;
  max_attempts: number;
  consumed: boolean;
  expired: boolean;
}

/** Serialises code requests for one number (and one IP) until the transaction ends. */
export async function lockOtpRequests(db: Db, phone: string, ip: string | null): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`identity.otp.phone:${phone}`}, 0))`.execute(db);
  if (ip) await sql`select pg_advisory_xact_lock(hashtextextended(${`identity.otp.ip:${ip}`}, 0))`.execute(db);
}

/** Seconds since the newest delivered (or pending) code for this number, or null when none. */
export async function secondsSinceLastCode(db: Db, phone: string): Promise<number | null> {
  const row = await db.selectFrom('identity.otp_challenges')
    .select(sql<number>`extract(epoch from now() - created_at)::float8`.as('age'))
    .where('phone', '=', phone)
    .where('delivery_failed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? Number((row as { age: number }).age) : null;
}

export async function countCodesLastHour(db: Db, by: { phone: string } | { ip: string }): Promise<number> {
  let query = db.selectFrom('identity.otp_challenges').select(sql<string>`count(*)`.as('n')).where('created_at', '>', sql<Date>`now() - interval '1 hour'`);
  query = 'phone' in by ? query.where('phone', '=', by.phone) : query.where('ip', '=', by.ip);
  const row = (await query.executeTakeFirst()) as { n: string | bigint } | undefined;
  return Number(row?.n ?? 0);
}

/** A new code makes the older ones of the same number unusable. */
export async function supersedeLiveCodes(db: Db, phone: string): Promise<void> {
  await db.updateTable('identity.otp_challenges').set({ superseded_at: sql`now()` })
    .where('phone', '=', phone).where('consumed_at', 'is', null).where('superseded_at', 'is', null).execute();
}

export async function insertChallenge(db: Db, row: { id: string; phone: string; code_hash: string; requested_channel: string; channel: string; ip: string | null; ttl_seconds: number; max_attempts: number }): Promise<void> {
  const { ttl_seconds, ...values } = row;
  await db.insertInto('identity.otp_challenges').values({ ...values, expires_at: sql`now() + make_interval(secs => ${ttl_seconds})` }).execute();
}

export async function setChallengeChannel(db: Db, id: string, channel: 'sms' | 'telegram'): Promise<void> {
  await db.updateTable('identity.otp_challenges').set({ channel }).where('id', '=', id).execute();
}

export async function markDeliveryFailed(db: Db, id: string): Promise<void> {
  await db.updateTable('identity.otp_challenges').set({ delivery_failed_at: sql`now()` }).where('id', '=', id).execute();
}

/** The code a verification is checked against: the newest one of the number that was delivered and not replaced. */
export async function findCurrentChallenge(db: Db, phone: string): Promise<ChallengeState | null> {
  const row = await db.selectFrom('identity.otp_challenges')
    .select(['id', 'code_hash', 'channel', 'attempts', 'max_attempts',
      sql<boolean>`consumed_at is not null`.as('consumed'),
      sql<boolean>`expires_at <= now()`.as('expired')])
    .where('phone', '=', phone)
    .where('superseded_at', 'is', null)
    .where('delivery_failed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (row as ChallengeState | undefined) ?? null;
}

/**
 * Spends one attempt atomically before the code is compared, so no number of concurrent guesses can compare
 * more than max_attempts times. Returns the attempts used, or null when the code is used up, consumed or expired.
 */
export async function spendAttempt(db: Db, id: string): Promise<{ attempts: number; max_attempts: number } | null> {
  const row = await db.updateTable('identity.otp_challenges')
    .set({ attempts: sql`attempts + 1` })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('attempts', '<', sql<number>`max_attempts`)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['attempts', 'max_attempts'])
    .executeTakeFirst();
  return (row as { attempts: number; max_attempts: number } | undefined) ?? null;
}

/** Only one caller can consume a code: `consumed_at is null` is re-checked under the row lock. */
export async function consumeChallenge(db: Db, id: string): Promise<boolean> {
  const row = await db.updateTable('identity.otp_challenges').set({ consumed_at: sql`now()` })
    .where('id', '=', id).where('consumed_at', 'is', null).where('superseded_at', 'is', null)
    .returning(['id']).executeTakeFirst();
  return Boolean(row);
}

export interface AuthEvent {
  kind: string;
  phone?: string | null;
  username?: string | null;
  user_id?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export async function insertAuthEvent(db: Db, event: AuthEvent): Promise<void> {
  await db.insertInto('identity.auth_events').values({
    id: newId(),
    kind: event.kind,
    phone: event.phone ?? null,
    username: event.username ?? null,
    user_id: event.user_id ?? null,
    ip: event.ip ?? null,
    detail: JSON.stringify(event.detail ?? {}),
  }).execute();
}

export async function countAuthEventsLastHour(db: Db, kind: string, by: { username: string } | { ip: string }): Promise<number> {
  let query = db.selectFrom('identity.auth_events').select(sql<string>`count(*)`.as('n')).where('kind', '=', kind).where('created_at', '>', sql<Date>`now() - interval '1 hour'`);
  query = 'username' in by ? query.where('username', '=', by.username) : query.where('ip', '=', by.ip);
  const row = (await query.executeTakeFirst()) as { n: string | bigint } | undefined;
  return Number(row?.n ?? 0);
}
