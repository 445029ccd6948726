/**
 * Server-side sessions: an opaque random token in an HttpOnly cookie, only its sha256 in the database.
 * The CSRF token is derived from the session token with the server key (HMAC), so it is random per
 * session, never stored, and a copy of the sessions table reveals neither.
 */
import { AppError, hmacSha256Hex, newId, randomToken, sha256Hex, type RequestContext } from '@chaharsu/kit';
import type { Db } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { SessionRecord } from './identity.api.js';
import type { SessionItem } from './identity.contracts.js';
import type { ServiceDeps } from './identity.deps.js';
import * as sessions from './sessions.repository.js';

export interface StartedSession { token: string; session_id: string; csrf_token: string }

export function createSessionsService(deps: Pick<ServiceDeps, 'config' | 'audit' | 'secret_key' | 'db'>) {
  const { config, audit, secret_key, db } = deps;

  function csrfFor(token: string): string {
    return hmacSha256Hex(secret_key, `csrf:${token}`);
  }

  /** Opens a session in the caller's transaction (sign-in writes its audit record beside it). */
  async function start(tx: Db, user_id: string, request: Pick<RequestContext, 'ip' | 'user_agent'>): Promise<StartedSession> {
    const token = randomToken(32);
    const row = await sessions.insertSession(tx, { id: newId(), user_id, token_hash: sha256Hex(token), ip: request.ip, user_agent: request.user_agent });
    return { token, session_id: row.id, csrf_token: csrfFor(token) };
  }

  async function resolve(token: string, request: { ip: string; user_agent: string | null }, idleMinutesFor: (org_id: string) => Promise<number | null>): Promise<SessionRecord | null> {
    if (!token || token.length > 200) return null;
    const row = await sessions.findSessionByTokenHash(db, sha256Hex(token));
    if (!row || !row.active) return null;
    if (row.age_seconds > config.session.max_age_days * 86_400) return null;
    const idle_minutes = (row.current_org_id ? await idleMinutesFor(row.current_org_id) : null) ?? config.session.idle_minutes;
    if (row.idle_seconds > idle_minutes * 60) return null;
    if (row.idle_seconds >= 60) await sessions.touchSession(db, row.id, request.ip, request.user_agent?.slice(0, 500) ?? null);
    return {
      user_id: row.user_id,
      session_id: row.id,
      is_platform_admin: row.is_platform_admin,
      is_support_partner: row.is_support_partner,
      current_org_id: row.current_org_id,
      csrf_token: csrfFor(token),
      locale: row.locale ?? 'fa',
    };
  }

  async function list(ctx: Ctx, user_id: string, current_session_id: string | null): Promise<SessionItem[]> {
    const rows = await sessions.listSessionsOfUser(ctx.db, user_id, config.session);
    return rows.map((r) => ({
      id: r.id,
      created_at: new Date(r.created_at).toISOString(),
      last_seen_at: new Date(r.last_seen_at).toISOString(),
      ip: r.ip,
      user_agent: r.user_agent,
      current: r.id === current_session_id,
    }));
  }

  /** Revokes one of the person's own sessions; someone else's session is "not found". */
  async function revoke(ctx: Ctx, user_id: string, session_id: string, action = 'identity.session.revoked'): Promise<void> {
    if (!(await sessions.revokeSession(ctx.db, session_id, user_id))) throw new AppError('identity.session_not_found');
    await audit.record(ctx, { action, entity_type: 'identity.session', entity_id: session_id, before: { revoked: false }, after: { revoked: true }, org_id: null });
  }

  async function setCurrentOrg(ctx: Ctx, session_id: string, org_id: string | null): Promise<void> {
    const before = await sessions.findSession(ctx.db, session_id);
    if (!before || before.revoked_at) throw new AppError('identity.session_not_found');
    if (before.current_org_id === org_id) return;
    await sessions.setSessionOrg(ctx.db, session_id, org_id);
    await audit.record(ctx, { action: 'identity.session.org_switched', entity_type: 'identity.session', entity_id: session_id, before: { current_org_id: before.current_org_id }, after: { current_org_id: org_id }, org_id: null });
  }

  async function currentOrgOf(ctx: Ctx, session_id: string): Promise<string | null> {
    return (await sessions.findSession(ctx.db, session_id))?.current_org_id ?? null;
  }

  return { csrfFor, start, resolve, list, revoke, setCurrentOrg, currentOrgOf };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
