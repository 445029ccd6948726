/**
 * Sign-in by one-time code (§P1.2). Every rule is checked on the server against the database:
 * - 5–6 digit codes, stored as HMAC-SHA256(server key, challenge id + code), valid ttl_seconds;
 * - each guess spends one attempt atomically before comparing (max_attempts per code, then it is dead);
 * - a resend cool-down per number, hourly limits per number and per IP (counted from the codes table);
 * - a code is consumed once, even when two verifications race (`consumed_at is null` under the row lock);
 * - the answer never says whether the number has an account, or whether it has Telegram linked;
 * - every send, refusal and failure is an auth_events row and a structured log line (never the code).
 * Requests manage their own transactions: a refused or failed attempt must be recorded even though the
 * request ends in an error, and the SMS is sent after the code is committed (no connection held on the provider).
 */
import { randomInt } from 'node:crypto';
import { AppError, constantTimeEqual, hmacSha256Hex, newId, toLatinDigits, type RequestContext } from '@chaharsu/kit';
import { inTransaction } from '@chaharsu/db';
import type { UserDto } from './identity.api.js';
import type { OtpChannel, OtpRequestResult } from './identity.contracts.js';
import { asUser, withTx, type ServiceDeps } from './identity.deps.js';
import { maskPhone, normaliseIranianMobile } from './phone.js';
import * as otp from './otp.repository.js';
import * as users from './users.repository.js';
import type { SessionsService, StartedSession } from './sessions.service.js';
import type { UsersService } from './users.service.js';
import { SmsDeliveryError, type SmsProvider } from './sms/sms.provider.js';
import type { DevInbox } from './sms/dev.js';
import { otpText } from './sms/dev.js';

/** Sends a code to a linked Telegram chat (the bot); null when no bot is configured. */
export interface TelegramCodeSender {
  sendCode(chat_id: bigint, code: string, locale: string | null): Promise<void>;
}

const NO_SCOPE = { org_id: null, user_id: null } as const;

type Refusal = { code: 'identity.otp_resend_too_soon'; retry_after_seconds: number } | { code: 'identity.otp_rate_limited'; limit: 'number' | 'ip' };

export function createOtpService(deps: ServiceDeps & {
  sms: SmsProvider;
  telegram: () => TelegramCodeSender | null;
  dev_inbox: DevInbox | null;
  sessions: SessionsService;
  users: UsersService;
}) {
  const { db, config } = deps;
  const rules = config.otp;

  function codeHash(challenge_id: string, code: string): string {
    return hmacSha256Hex(deps.secret_key, `otp:${challenge_id}:${code}`);
  }

  function newCode(): string {
    const digits = rules.code_length;
    return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
  }

  async function checkLimits(tx: typeof db, phone: string, ip: string | null): Promise<Refusal | null> {
    const since = await otp.secondsSinceLastCode(tx, phone);
    if (since !== null && since < rules.resend_seconds) {
      return { code: 'identity.otp_resend_too_soon', retry_after_seconds: Math.max(1, Math.ceil(rules.resend_seconds - since)) };
    }
    if ((await otp.countCodesLastHour(tx, { phone })) >= rules.per_number_per_hour) return { code: 'identity.otp_rate_limited', limit: 'number' };
    if (ip && (await otp.countCodesLastHour(tx, { ip })) >= rules.per_ip_per_hour) return { code: 'identity.otp_rate_limited', limit: 'ip' };
    return null;
  }

  async function request(ctx: RequestContext, input: { phone: string; channel: OtpChannel }): Promise<OtpRequestResult> {
    const phone = normaliseIranianMobile(input.phone);
    if (!phone) throw new AppError('identity.phone_invalid');
    const code = newCode();
    const challenge_id = newId();
    const telegram = deps.telegram();
    const outcome = await inTransaction(db, NO_SCOPE, async (tx) => {
      await otp.lockOtpRequests(tx, phone, ctx.ip);
      const refusal = await checkLimits(tx, phone, ctx.ip);
      if (refusal) {
        await otp.insertAuthEvent(tx, { kind: 'otp_refused', phone, ip: ctx.ip, detail: { ...refusal } });
        return { refusal } as const;
      }
      // Telegram only when this number's account has linked a chat; otherwise SMS, and the answer looks the same.
      const chat = input.channel === 'telegram' && telegram ? await users.findTelegramChatByPhone(tx, phone) : null;
      await otp.supersedeLiveCodes(tx, phone);
      await otp.insertChallenge(tx, {
        id: challenge_id, phone, code_hash: codeHash(challenge_id, code), requested_channel: input.channel,
        channel: chat ? 'telegram' : 'sms', ip: ctx.ip, ttl_seconds: rules.ttl_seconds, max_attempts: rules.max_attempts,
      });
      return { chat } as const;
    });
    if ('refusal' in outcome && outcome.refusal) {
      ctx.logger.warn({ event: 'otp_refused', phone: maskPhone(phone), ip: ctx.ip, reason: outcome.refusal.code }, 'one-time code refused');
      const { code: errorCode, ...params } = outcome.refusal;
      throw new AppError(errorCode, errorCode === 'identity.otp_resend_too_soon' ? params : {});
    }
    const channel = await deliver(ctx, { phone, code, challenge_id, chat: 'chat' in outcome ? outcome.chat : null, telegram });
    await otp.insertAuthEvent(db, { kind: 'otp_sent', phone, ip: ctx.ip, detail: { challenge_id, channel, requested_channel: input.channel } });
    ctx.logger.info({ event: 'otp_sent', phone: maskPhone(phone), ip: ctx.ip, channel, requested_channel: input.channel, challenge_id }, 'one-time code sent');
    return { channel: input.channel, expires_in_seconds: rules.ttl_seconds, resend_in_seconds: rules.resend_seconds };
  }

  /** Telegram first when linked (falls back to SMS if the bot cannot reach the chat), else SMS. */
  async function deliver(ctx: RequestContext, target: { phone: string; code: string; challenge_id: string; chat: { chat_id: bigint; locale: string | null } | null; telegram: TelegramCodeSender | null }): Promise<OtpChannel> {
    if (target.chat && target.telegram) {
      try {
        await target.telegram.sendCode(target.chat.chat_id, target.code, target.chat.locale);
        deps.dev_inbox?.record({ phone: target.phone, text: otpText(target.code), code: target.code, channel: 'telegram' });
        return 'telegram';
      } catch (error) {
        ctx.logger.warn({ event: 'otp_telegram_failed', phone: maskPhone(target.phone), challenge_id: target.challenge_id, err: error instanceof Error ? error.message : String(error) }, 'Telegram could not deliver the code; sending by SMS');
        await otp.insertAuthEvent(db, { kind: 'otp_telegram_failed', phone: target.phone, ip: ctx.ip, detail: { challenge_id: target.challenge_id } });
        await otp.setChallengeChannel(db, target.challenge_id, 'sms');
      }
    }
    try {
      const sent = await deps.sms.send({ phone: target.phone, code: target.code });
      ctx.logger.debug({ provider: deps.sms.name, provider_message_id: sent.provider_message_id }, 'SMS accepted by the provider');
      return 'sms';
    } catch (error) {
      await otp.markDeliveryFailed(db, target.challenge_id);
      const detail = error instanceof SmsDeliveryError ? { provider: error.provider, kind: error.kind, provider_status: error.provider_status } : { provider: deps.sms.name, kind: 'unexpected' };
      await otp.insertAuthEvent(db, { kind: 'otp_delivery_failed', phone: target.phone, ip: ctx.ip, detail: { challenge_id: target.challenge_id, ...detail } });
      ctx.logger.error({ event: 'otp_delivery_failed', phone: maskPhone(target.phone), challenge_id: target.challenge_id, ...detail, err: error instanceof Error ? error.message : String(error) }, 'SMS provider could not deliver the code');
      throw new AppError('identity.otp_delivery_failed');
    }
  }

  async function fail(ctx: RequestContext, phone: string, kind: string, detail: Record<string, unknown>, error: AppError): Promise<never> {
    await otp.insertAuthEvent(db, { kind, phone, ip: ctx.ip, detail });
    ctx.logger.warn({ event: kind, phone: maskPhone(phone), ip: ctx.ip, ...detail }, 'one-time code not accepted');
    throw error;
  }

  /** Checks the code and signs the person in (creating the account on first sign-in). */
  async function verify(ctx: RequestContext, input: { phone: string; code: string }): Promise<StartedSession & { user: UserDto }> {
    const phone = normaliseIranianMobile(input.phone);
    if (!phone) throw new AppError('identity.phone_invalid');
    const code = toLatinDigits(input.code).replace(/\s/g, '');
    const challenge = await otp.findCurrentChallenge(db, phone);
    if (!challenge || challenge.consumed || challenge.expired) {
      return fail(ctx, phone, 'otp_expired', { challenge_id: challenge?.id ?? null }, new AppError('identity.otp_expired'));
    }
    if (challenge.attempts >= challenge.max_attempts) {
      return fail(ctx, phone, 'otp_too_many_attempts', { challenge_id: challenge.id }, new AppError('identity.otp_too_many_attempts'));
    }
    const spent = await otp.spendAttempt(db, challenge.id);
    if (!spent) {
      // Lost a race: another request used the last attempt, consumed the code, or it just expired.
      const now = await otp.findCurrentChallenge(db, phone);
      const used_up = now?.id === challenge.id && now.attempts >= now.max_attempts && !now.consumed;
      return used_up
        ? fail(ctx, phone, 'otp_too_many_attempts', { challenge_id: challenge.id }, new AppError('identity.otp_too_many_attempts'))
        : fail(ctx, phone, 'otp_expired', { challenge_id: challenge.id }, new AppError('identity.otp_expired'));
    }
    if (!/^\d{4,8}$/.test(code) || !constantTimeEqual(codeHash(challenge.id, code), challenge.code_hash)) {
      const attempts_left = spent.max_attempts - spent.attempts;
      return fail(ctx, phone, 'otp_failed', { challenge_id: challenge.id, attempts_left }, new AppError('identity.otp_invalid', { attempts_left }));
    }
    return signIn(ctx, phone, challenge.id, challenge.channel);
  }

  async function signIn(ctx: RequestContext, phone: string, challenge_id: string, channel: OtpChannel): Promise<StartedSession & { user: UserDto }> {
    const result = await inTransaction(db, NO_SCOPE, async (tx) => {
      if (!(await otp.consumeChallenge(tx, challenge_id))) return { consumed: false } as const;
      const user = await deps.users.findOrCreateUserByPhone(withTx(ctx, tx), phone);
      if (!user.active) return { consumed: true, disabled: user } as const;
      const session = await deps.sessions.start(tx, user.id, ctx);
      await deps.audit.record(withTx(asUser(ctx, user, session.session_id), tx), {
        action: 'identity.signed_in', entity_type: 'identity.session', entity_id: session.session_id, after: { method: 'otp', channel }, org_id: null,
      });
      await otp.insertAuthEvent(tx, { kind: 'otp_verified', phone, user_id: user.id, ip: ctx.ip, detail: { challenge_id } });
      return { consumed: true, session, user } as const;
    });
    if (!result.consumed) return fail(ctx, phone, 'otp_expired', { challenge_id, reason: 'already_used' }, new AppError('identity.otp_expired'));
    if ('disabled' in result && result.disabled) return fail(ctx, phone, 'sign_in_disabled_account', { user_id: result.disabled.id }, new AppError('identity.account_disabled'));
    if (!('session' in result) || !result.session) throw new Error('sign-in produced no session');
    ctx.logger.info({ event: 'signed_in', method: 'otp', user_id: result.user.id, session_id: result.session.session_id }, 'signed in');
    return { ...result.session, user: result.user };
  }

  return { request, verify };
}

export type OtpService = ReturnType<typeof createOtpService>;
