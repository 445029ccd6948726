import type { Logger } from 'pino';

/** Who is acting. A person (signed in), a machine (API key), or the system itself (jobs, seeds). */
export type Actor =
  | { kind: 'user'; user_id: string; session_id: string | null; is_platform_admin: boolean; is_support_partner: boolean }
  | { kind: 'api_key'; api_key_id: string; org_id: string; scopes: string[]; subject_id: string | null }
  | { kind: 'agent'; agent_id: string; org_id: string; branch_id: string }
  | { kind: 'system'; reason: string };

/**
 * The first argument of every service method: who, in which organisation, from where, with which
 * logger. `permissions` are the named permissions the actor holds in `org_id` (resolved once per
 * request by the access module).
 */
export interface RequestContext {
  request_id: string;
  actor: Actor;
  org_id: string | null;
  branch_id: string | null;
  permissions: ReadonlySet<string>;
  ip: string | null;
  user_agent: string | null;
  locale: string;
  logger: Logger;
}

export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.user_id : null;
}

export function systemContext(logger: Logger, reason: string, org_id: string | null = null): RequestContext {
  return {
    request_id: `system:${reason}`,
    actor: { kind: 'system', reason },
    org_id,
    branch_id: null,
    permissions: new Set(['*']),
    ip: null,
    user_agent: null,
    locale: 'fa',
    logger,
  };
}
