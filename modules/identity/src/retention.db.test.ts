import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import { pgErrorCode } from '@chaharsu/db';
import { createHarness, testIdentityConfig, type Harness } from './testing/harness.js';
import { purgeExpired } from './retention.js';

let h: Harness;
beforeAll(async () => { h = await createHarness(testIdentityConfig()); });
afterAll(async () => { await h.close(); });

const now = new Date('2026-11-22T12:00:00Z');
const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

describe('the daily purge of expired sign-in records', () => {
  it('deletes codes and link nonces a day after they expired and the sign-in log after 180 days, and nothing newer', async () => {
    const user_id = newId();
    await sql`insert into identity.users (id, phone) values (${user_id}, '+989120009999')`.execute(h.owner);
    const otp = (id: string, expires_at: Date) => sql`insert into identity.otp_challenges (id, phone, code_hash, requested_channel, channel, created_at, expires_at, max_attempts)
      values (${id}, '+989120009999', 'hash', 'sms', 'sms', ${new Date(expires_at.getTime() - 120_000)}, ${expires_at}, 5)`.execute(h.owner);
    const [oldCode, recentCode] = [newId(), newId()];
    await otp(oldCode, ago(25));
    await otp(recentCode, ago(23));
    const nonce = (hash: string, expires_at: Date) => sql`insert into identity.telegram_link_nonces (nonce_hash, user_id, created_at, expires_at)
      values (${hash}, ${user_id}, ${ago(48)}, ${expires_at})`.execute(h.owner);
    await nonce('old-nonce', ago(30));
    await nonce('recent-nonce', ago(2));
    const event = (id: string, created_at: Date) => sql`insert into identity.auth_events (id, created_at, kind, phone) values (${id}, ${created_at}, 'otp.sent', '+989120009999')`.execute(h.owner);
    const [oldEvent, recentEvent] = [newId(), newId()];
    await event(oldEvent, ago(181 * 24));
    await event(recentEvent, ago(179 * 24));

    // Run as the server's role, which may call the function but may not delete these rows itself.
    expect(await purgeExpired(h.db, now)).toEqual({ otp_challenges: 1, telegram_link_nonces: 1, auth_events: 1 });
    const left = async (table: string, column: string, ids: string[]) => (await sql<{ id: string }>`select ${sql.ref(column)}::text as id from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(ids)})`.execute(h.owner)).rows.map((r) => r.id);
    expect(await left('identity.otp_challenges', 'id', [oldCode, recentCode])).toEqual([recentCode]);
    expect(await left('identity.telegram_link_nonces', 'nonce_hash', ['old-nonce', 'recent-nonce'])).toEqual(['recent-nonce']);
    expect(await left('identity.auth_events', 'id', [oldEvent, recentEvent])).toEqual([recentEvent]);
    expect(await purgeExpired(h.db, now)).toEqual({ otp_challenges: 0, telegram_link_nonces: 0, auth_events: 0 });

    const refused = await sql`delete from identity.auth_events where id = ${recentEvent}`.execute(h.db).catch((error: unknown) => error);
    expect(pgErrorCode(refused)).toBe('42501');
  });
});
