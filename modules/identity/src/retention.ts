/**
 * Retention of sign-in records (migration `…T0510_identity_purge_expired`): expired one-time codes and
 * Telegram link nonces a day after expiry, the sign-in log after 180 days. Daily, as the job
 * `identity.purge_expired`; the app role cannot delete these rows otherwise.
 */
import { sql } from 'kysely';
import type { Db } from '@chaharsu/db';

export const PURGE_EXPIRED_JOB = 'identity.purge_expired';
export const PURGE_EXPIRED_CRON = '15 3 * * *';

export interface PurgeCounts { otp_challenges: number; telegram_link_nonces: number; auth_events: number }

export async function purgeExpired(db: Db, now: Date = new Date()): Promise<PurgeCounts> {
  const result = await sql<{ otp_challenges: bigint; telegram_link_nonces: bigint; auth_events: bigint }>`
    select otp_challenges, telegram_link_nonces, auth_events from identity.purge_expired(${now}::timestamptz)`.execute(db);
  const row = result.rows[0];
  return { otp_challenges: Number(row?.otp_challenges ?? 0), telegram_link_nonces: Number(row?.telegram_link_nonces ?? 0), auth_events: Number(row?.auth_events ?? 0) };
}
