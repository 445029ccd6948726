/** Queries on identity.users, password credentials and Telegram accounts. Rows in, rows out, no rules. */
import { sql } from 'kysely';
import type { Db } from '@chaharsu/db';

export interface UserRow {
  id: string;
  phone: string;
  display_name: string | null;
  is_platform_admin: boolean;
  is_support_partner: boolean;
  active: boolean;
  preferences: Record<string, unknown>;
  created_at: Date;
}

const USER_COLUMNS = ['id', 'phone', 'display_name', 'is_platform_admin', 'is_support_partner', 'active', 'preferences', 'created_at'] as const;

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  return ((await db.selectFrom('identity.users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst()) as UserRow | undefined) ?? null;
}

export async function findUserByPhone(db: Db, phone: string): Promise<UserRow | null> {
  return ((await db.selectFrom('identity.users').select(USER_COLUMNS).where('phone', '=', phone).executeTakeFirst()) as UserRow | undefined) ?? null;
}

export async function findUsersByIds(db: Db, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  const rows: UserRow[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    rows.push(...((await db.selectFrom('identity.users').select(USER_COLUMNS).where('id', 'in', ids.slice(i, i + 1000)).execute()) as UserRow[]));
  }
  return rows;
}

/** Inserts the user unless the phone is taken; returns the row only when this call created it. */
export async function insertUserIfAbsent(db: Db, user: { id: string; phone: string; display_name: string | null }): Promise<UserRow | null> {
  const row = await db.insertInto('identity.users').values(user).onConflict((oc) => oc.column('phone').doNothing()).returning(USER_COLUMNS).executeTakeFirst();
  return (row as UserRow | undefined) ?? null;
}

export async function updateUser(db: Db, id: string, changes: Partial<Pick<UserRow, 'display_name' | 'is_platform_admin' | 'is_support_partner' | 'active'>> & { preferences?: string }): Promise<UserRow | null> {
  const row = await db.updateTable('identity.users').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).returning(USER_COLUMNS).executeTakeFirst();
  return (row as UserRow | undefined) ?? null;
}

// ---- password credentials ----
export interface CredentialRow { user_id: string; username: string; password_hash: string; active: boolean }

export async function findCredentialByUsername(db: Db, username: string): Promise<CredentialRow | null> {
  const row = await db.selectFrom('identity.password_credentials as c')
    .innerJoin('identity.users as u', 'u.id', 'c.user_id')
    .select(['c.user_id', 'c.username', 'c.password_hash', 'u.active'])
    .where('c.username', '=', username)
    .executeTakeFirst();
  return (row as CredentialRow | undefined) ?? null;
}

export async function findCredentialByUser(db: Db, user_id: string): Promise<{ username: string } | null> {
  return ((await db.selectFrom('identity.password_credentials').select(['username']).where('user_id', '=', user_id).executeTakeFirst()) as { username: string } | undefined) ?? null;
}

export async function upsertCredential(db: Db, row: { user_id: string; username: string; password_hash: string }): Promise<void> {
  await db.insertInto('identity.password_credentials').values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ username: row.username, password_hash: row.password_hash, updated_at: sql`now()` }))
    .execute();
}

// ---- Telegram ----
export interface TelegramAccountRow { user_id: string; telegram_user_id: bigint; chat_id: bigint; linked_at: Date }

export async function findTelegramAccount(db: Db, user_id: string): Promise<TelegramAccountRow | null> {
  return ((await db.selectFrom('identity.telegram_accounts').selectAll().where('user_id', '=', user_id).executeTakeFirst()) as TelegramAccountRow | undefined) ?? null;
}

export async function findTelegramChatByPhone(db: Db, phone: string): Promise<{ chat_id: bigint; locale: string | null } | null> {
  const row = await db.selectFrom('identity.telegram_accounts as t')
    .innerJoin('identity.users as u', 'u.id', 't.user_id')
    .select(['t.chat_id', sql<string | null>`u.preferences->>'locale'`.as('locale')])
    .where('u.phone', '=', phone)
    .where('u.active', '=', true)
    .executeTakeFirst();
  return (row as { chat_id: bigint; locale: string | null } | undefined) ?? null;
}

/** Links a Telegram account to a user; a Telegram account linked to someone else before moves over. */
export async function saveTelegramAccount(db: Db, row: { user_id: string; telegram_user_id: bigint; chat_id: bigint }): Promise<void> {
  await db.deleteFrom('identity.telegram_accounts').where('telegram_user_id', '=', row.telegram_user_id).where('user_id', '<>', row.user_id).execute();
  await db.insertInto('identity.telegram_accounts').values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ telegram_user_id: row.telegram_user_id, chat_id: row.chat_id, linked_at: sql`now()` }))
    .execute();
}

export async function deleteTelegramAccount(db: Db, user_id: string): Promise<TelegramAccountRow | null> {
  return ((await db.deleteFrom('identity.telegram_accounts').where('user_id', '=', user_id).returningAll().executeTakeFirst()) as TelegramAccountRow | undefined) ?? null;
}

export async function insertLinkNonce(db: Db, row: { nonce_hash: string; user_id: string; expires_at: Date }): Promise<void> {
  await db.insertInto('identity.telegram_link_nonces').values(row).execute();
}

/** The Telegram user who opened the deep link claims the nonce (only while it is fresh and unused). */
export async function claimLinkNonce(db: Db, nonce_hash: string, telegram_user_id: bigint, chat_id: bigint): Promise<boolean> {
  const row = await db.updateTable('identity.telegram_link_nonces')
    .set({ claimed_by_telegram_user_id: telegram_user_id, claimed_chat_id: chat_id })
    .where('nonce_hash', '=', nonce_hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['nonce_hash'])
    .executeTakeFirst();
  return Boolean(row);
}

/** The newest fresh, unused nonce this Telegram user claimed, locked for the rest of the transaction. */
export async function findClaimedNonce(db: Db, telegram_user_id: bigint): Promise<{ nonce_hash: string; user_id: string; phone: string } | null> {
  const row = await db.selectFrom('identity.telegram_link_nonces as n')
    .innerJoin('identity.users as u', 'u.id', 'n.user_id')
    .select(['n.nonce_hash', 'n.user_id', 'u.phone'])
    .where('n.claimed_by_telegram_user_id', '=', telegram_user_id)
    .where('n.used_at', 'is', null)
    .where('n.expires_at', '>', sql<Date>`now()`)
    .orderBy('n.created_at', 'desc')
    .limit(1)
    .forUpdate('n')
    .executeTakeFirst();
  return (row as { nonce_hash: string; user_id: string; phone: string } | undefined) ?? null;
}

export async function markNonceUsed(db: Db, nonce_hash: string): Promise<boolean> {
  const row = await db.updateTable('identity.telegram_link_nonces').set({ used_at: sql`now()` }).where('nonce_hash', '=', nonce_hash).where('used_at', 'is', null).returning(['nonce_hash']).executeTakeFirst();
  return Boolean(row);
}
