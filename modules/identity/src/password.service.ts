/**
 * Username + password sign-in for local deployments (a warehouse station with no SMS or Telegram).
 * scrypt with a per-user salt; failures are counted per username and per IP in auth_events and limited per
 * hour; an unknown username costs the same scrypt work as a wrong password, so timing does not tell them apart.
 */
import { AppError, hashPassword, toLatinDigits, verifyPassword, type RequestContext } from '@chaharsu/kit';
import { inTransaction } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { UserDto } from './identity.api.js';
import { asUser, withTx, type ServiceDeps } from './identity.deps.js';
import * as otp from './otp.repository.js';
import * as users from './users.repository.js';
import type { SessionsService, StartedSession } from './sessions.service.js';
import { toUserDto } from './users.service.js';

const USERNAME = /^[a-z0-9._-]{3,64}$/;
const MIN_PASSWORD_LENGTH = 8;

export function normaliseUsername(input: string): string {
  return toLatinDigits(input).trim().toLowerCase();
}

export function createPasswordService(deps: ServiceDeps & { sessions: SessionsService }) {
  const { db, config, audit } = deps;
  let dummyHash: Promise<string> | null = null;
  const dummy = (): Promise<string> => (dummyHash ??= hashPassword('not-a-real-password-used-for-equal-timing'));

  async function setPassword(ctx: Ctx, user_id: string, username: string, password: string): Promise<void> {
    const name = normaliseUsername(username);
    if (!USERNAME.test(name)) throw new AppError('identity.username_invalid');
    if (password.length < MIN_PASSWORD_LENGTH || password.length > 1024) throw new AppError('identity.password_too_weak', { min_length: MIN_PASSWORD_LENGTH });
    if (!(await users.findUserById(ctx.db, user_id))) throw new AppError('identity.user_not_found');
    const holder = await users.findCredentialByUsername(ctx.db, name);
    if (holder && holder.user_id !== user_id) throw new AppError('identity.username_taken');
    const before = await users.findCredentialByUser(ctx.db, user_id);
    await users.upsertCredential(ctx.db, { user_id, username: name, password_hash: await hashPassword(password) });
    await audit.record(ctx, { action: 'identity.password.set', entity_type: 'identity.user', entity_id: user_id, before: before ? { username: before.username } : null, after: { username: name }, org_id: null });
  }

  async function refuse(ctx: RequestContext, username: string, reason: string): Promise<never> {
    await otp.insertAuthEvent(db, { kind: 'password_failed', username, ip: ctx.ip, detail: { reason } });
    ctx.logger.warn({ event: 'password_failed', username, ip: ctx.ip, reason }, 'password sign-in refused');
    throw new AppError('identity.credentials_invalid');
  }

  async function signIn(ctx: RequestContext, input: { username: string; password: string }): Promise<StartedSession & { user: UserDto }> {
    const username = normaliseUsername(input.username).slice(0, 100);
    const limits = config.password;
    if ((await otp.countAuthEventsLastHour(db, 'password_failed', { username })) >= limits.failures_per_username_per_hour
      || (ctx.ip && (await otp.countAuthEventsLastHour(db, 'password_failed', { ip: ctx.ip })) >= limits.failures_per_ip_per_hour)) {
      await otp.insertAuthEvent(db, { kind: 'password_refused', username, ip: ctx.ip, detail: { reason: 'rate_limited' } });
      ctx.logger.warn({ event: 'password_refused', username, ip: ctx.ip }, 'password sign-in rate limited');
      throw new AppError('identity.password_rate_limited');
    }
    const credential = USERNAME.test(username) ? await users.findCredentialByUsername(db, username) : null;
    const matches = await verifyPassword(input.password, credential?.password_hash ?? (await dummy()));
    if (!credential || !matches) return refuse(ctx, username, credential ? 'wrong_password' : 'unknown_username');
    if (!credential.active) return refuse(ctx, username, 'account_disabled');
    const result = await inTransaction(db, { org_id: null, user_id: credential.user_id }, async (tx) => {
      const row = await users.findUserById(tx, credential.user_id);
      if (!row) throw new Error('credential without user');
      const user = toUserDto(row);
      const session = await deps.sessions.start(tx, user.id, ctx);
      await audit.record(withTx(asUser(ctx, user, session.session_id), tx), { action: 'identity.signed_in', entity_type: 'identity.session', entity_id: session.session_id, after: { method: 'password', username }, org_id: null });
      await otp.insertAuthEvent(tx, { kind: 'password_signed_in', username, user_id: user.id, ip: ctx.ip });
      return { ...session, user };
    });
    ctx.logger.info({ event: 'signed_in', method: 'password', user_id: result.user.id, session_id: result.session_id }, 'signed in');
    return result;
  }

  return { setPassword, signIn };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
