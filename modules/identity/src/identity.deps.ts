import type { Logger } from 'pino';
import type { Db } from '@chaharsu/db';
import type { AuditApi } from '@chaharsu/audit';
import type { Actor, RequestContext } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { IdentityConfig } from './identity.config.js';

/** What every identity service is built from. */
export interface ServiceDeps {
  db: Db;
  config: IdentityConfig;
  audit: AuditApi;
  logger: Logger;
  /** 32 bytes: keys the HMACs of one-time codes and CSRF tokens. */
  secret_key: Buffer;
}

/** The acting person once they are known (sign-in writes its audit record as the person who signed in). */
export function asUser(ctx: RequestContext, user: { id: string; is_platform_admin: boolean; is_support_partner: boolean }, session_id: string | null): RequestContext {
  const actor: Actor = { kind: 'user', user_id: user.id, session_id, is_platform_admin: user.is_platform_admin, is_support_partner: user.is_support_partner };
  return { ...ctx, actor };
}

export function withTx(ctx: RequestContext, db: Ctx['db']): Ctx {
  return { ...ctx, db };
}
