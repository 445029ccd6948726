import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RequestContext } from '@chaharsu/kit';
import type { Db, Tx, ModuleMigration, RlsScope } from '@chaharsu/db';

/** A service method's first argument: the request context plus the transaction it runs in. */
export interface Ctx extends RequestContext {
  db: Tx;
}

export type App = FastifyInstance<
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  any, any, any, any, ZodTypeProvider
>;

/**
 * Who may call a route. Checked on the server for every route by one hook (apps/server/src/access-hook.ts):
 * - public: anyone (rate limited);
 * - session: a signed-in person, no organisation needed (their own account, choosing an organisation);
 * - org: a signed-in person acting in their current organisation, holding `permission`;
 * - platform: a platform admin or support partner holding the platform `permission`;
 * - api_key: a machine client whose key carries `scope` (the key belongs to one organisation).
 */
export type RouteAccess =
  | { auth: 'public' }
  | { auth: 'session' }
  | { auth: 'org'; permission: string }
  | { auth: 'platform'; permission: string }
  | { auth: 'api_key'; scope: string }
  | { auth: 'agent' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The web client sends cookie-authenticated requests with a CSRF header; some public POSTs (sign-in) have none yet. */
    csrf?: boolean;
  }
  interface FastifyRequest {
    ctx: RequestContext;
    /** Runs `fn` in one transaction scoped (row-level security) to this request's organisation and person. */
    tx<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T>;
  }
}

export interface ModuleDeps {
  db: Db;
}

/** What every module gives the composition root. */
export interface ModuleDefinition {
  name: string;
  migrations: ModuleMigration[];
  /** Registers this module's routes on the server. */
  routes?: (app: App) => void | Promise<void>;
}

export function rlsScopeOf(ctx: RequestContext): RlsScope {
  const actor = ctx.actor;
  return {
    org_id: ctx.org_id,
    user_id: actor.kind === 'user' ? actor.user_id : null,
    platform_admin: actor.kind === 'user' && actor.is_platform_admin,
  };
}
