/** Small helpers every orgs service uses: who is acting, which organisation, and scope switches. */
import { AppError } from '@chaharsu/kit';
import { pgConstraint, pgErrorCode, setRlsScope } from '@chaharsu/db';
import { rlsScopeOf, type Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import type { IdentityApi } from '@chaharsu/identity';
import type { Person } from './orgs.access.js';

/** What orgs needs from identity (the account behind a phone number, names, the session's organisation). */
export type IdentityPort = Pick<IdentityApi, 'findOrCreateUserByPhone' | 'getUser' | 'getUsers' | 'setCurrentOrg' | 'setPlatformRoles'>;

export interface OrgsDeps {
  identity: IdentityPort;
  audit: AuditApi;
}

export function personOf(ctx: Ctx): Person {
  const actor = ctx.actor;
  if (actor.kind !== 'user') throw new AppError('common.unauthenticated');
  return { user_id: actor.user_id, is_platform_admin: actor.is_platform_admin, is_support_partner: actor.is_support_partner };
}

export function orgIdOf(ctx: Ctx): string {
  if (!ctx.org_id) throw new AppError('common.no_organisation_selected');
  return ctx.org_id;
}

/**
 * Runs `fn` with the transaction's row-level-security scope switched to `org_id` (the caller has verified
 * the actor may act there, or is creating it), then puts the request's own scope back.
 */
export async function withOrgScope<T>(ctx: Ctx, org_id: string, fn: (scoped: Ctx) => Promise<T>): Promise<T> {
  const own = rlsScopeOf(ctx);
  await setRlsScope(ctx.db, { ...own, org_id });
  const result = await fn({ ...ctx, org_id });
  await setRlsScope(ctx.db, own);
  return result;
}

/** Turns a unique violation on one of `constraints` into the matching AppError; rethrows anything else. */
export function uniqueViolation(error: unknown, constraints: Record<string, string>): never {
  if (pgErrorCode(error) === '23505') {
    const code = constraints[pgConstraint(error) ?? ''];
    if (code) throw new AppError(code);
  }
  throw error;
}

export function assertFound<T>(value: T | undefined | null, code: string): T {
  if (value === undefined || value === null) throw new AppError(code);
  return value;
}

