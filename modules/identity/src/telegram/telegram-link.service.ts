/**
 * Linking a Telegram account proves the number: the signed-in person opens a one-time deep link to the
 * bot (nonce stored hashed, 10 minutes), the bot records which Telegram user opened it, and the link is
 * made only when that same Telegram user shares their own contact (contact.user_id === from.id) whose
 * number equals the account's number.
 */
import { newId, randomToken, sha256Hex, systemContext } from '@chaharsu/kit';
import { inTransaction } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import { asUser, withTx, type ServiceDeps } from '../identity.deps.js';
import { normaliseIranianMobile } from '../phone.js';
import * as users from '../users.repository.js';

const NONCE_MINUTES = 10;

export type LinkOutcome = 'linked' | 'no_pending_link' | 'phone_mismatch' | 'not_own_contact';

export function createTelegramLinkService(deps: Pick<ServiceDeps, 'db' | 'audit' | 'config' | 'logger'>) {
  const { db, audit, config } = deps;

  async function createLink(ctx: Ctx, user_id: string): Promise<{ url: string; expires_at: string }> {
    const nonce = randomToken(24); // 32 characters of [A-Za-z0-9_-]: what Telegram allows in a start parameter
    const expires_at = new Date(Date.now() + NONCE_MINUTES * 60_000);
    await users.insertLinkNonce(ctx.db, { nonce_hash: sha256Hex(nonce), user_id, expires_at });
    await audit.record(ctx, { action: 'identity.telegram.link_requested', entity_type: 'identity.user', entity_id: user_id, after: { expires_at: expires_at.toISOString() }, org_id: null });
    return { url: `https://t.me/${config.telegram.bot_username}?start=${nonce}`, expires_at: expires_at.toISOString() };
  }

  async function unlink(ctx: Ctx, user_id: string): Promise<void> {
    const removed = await users.deleteTelegramAccount(ctx.db, user_id);
    if (removed) await audit.record(ctx, { action: 'identity.telegram.unlinked', entity_type: 'identity.user', entity_id: user_id, before: { linked: true }, after: { linked: false }, org_id: null });
  }

  async function isLinked(ctx: Ctx, user_id: string): Promise<boolean> {
    return Boolean(await users.findTelegramAccount(ctx.db, user_id));
  }

  /** The bot saw `/start <nonce>` from this Telegram user in this chat. */
  async function claim(nonce: string, telegram_user_id: bigint, chat_id: bigint): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(nonce)) return false;
    return users.claimLinkNonce(db, sha256Hex(nonce), telegram_user_id, chat_id);
  }

  /** The bot received a contact. Links when it is the sender's own contact and the number is the account's. */
  async function complete(input: { from_id: bigint; chat_id: bigint; contact_user_id: bigint | null; contact_phone: string; update_id: number }): Promise<LinkOutcome> {
    if (input.contact_user_id === null || input.contact_user_id !== input.from_id) return 'not_own_contact';
    const phone = normaliseIranianMobile(input.contact_phone);
    return inTransaction(db, { org_id: null, user_id: null }, async (tx) => {
      const pending = await users.findClaimedNonce(tx, input.from_id);
      if (!pending) return 'no_pending_link';
      if (!phone || phone !== pending.phone) return 'phone_mismatch';
      await users.markNonceUsed(tx, pending.nonce_hash);
      await users.saveTelegramAccount(tx, { user_id: pending.user_id, telegram_user_id: input.from_id, chat_id: input.chat_id });
      const row = await users.findUserById(tx, pending.user_id);
      const ctx = asUser({ ...systemContext(deps.logger, 'telegram'), request_id: `telegram:${input.update_id}:${newId()}` }, { id: pending.user_id, is_platform_admin: row?.is_platform_admin ?? false, is_support_partner: row?.is_support_partner ?? false }, null);
      await audit.record(withTx(ctx, tx), { action: 'identity.telegram.linked', entity_type: 'identity.user', entity_id: pending.user_id, before: { linked: false }, after: { linked: true, telegram_user_id: String(input.from_id) }, org_id: null });
      return 'linked';
    });
  }

  return { createLink, unlink, isLinked, claim, complete };
}

export type TelegramLinkService = ReturnType<typeof createTelegramLinkService>;
