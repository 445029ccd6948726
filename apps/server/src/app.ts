/**
 * The HTTP composition: plugins, the request-context and access hooks, problem+json errors, OpenAPI,
 * health/metrics, the web client. No business rules here: modules bring their routes.
 */
import Fastify, { type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { serializerCompiler, validatorCompiler, jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError, type RequestContext } from '@chaharsu/kit';
import { inTransaction, type Db } from '@chaharsu/db';
import { rlsScopeOf, type App, type Ctx, type ModuleDefinition, type RouteAccess } from '@chaharsu/http';
import type { Config } from './config.js';
import { errorHandler, sendProblem } from './problem.js';
import { CSRF_HEADER, SESSION_COOKIE, type AuthPorts, type SessionInfo } from './ports.js';
import { createMetrics } from './metrics.js';
import { apiSecurityHeaders, securityHeaders } from './security-headers.js';

export interface BuildAppOptions {
  config: Config;
  db: Db;
  modules: ModuleDefinition[];
  auth: AuthPorts;
  logger?: Logger;
  /** Called by /readyz. */
  ready?: () => Promise<boolean>;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  access: RouteAccess | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The rate limit's settings for API-key routes: the platform's (merged in by the plugin), without the headers on answers under the limit. */
const API_KEY_RATE_LIMIT: RateLimitPluginOptions = { addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false } };

function languageOf(request: FastifyRequest): string {
  const header = request.headers['accept-language'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.slice(0, 2);
  return first && ['fa', 'en', 'ar', 'uz'].includes(first) ? first : 'fa';
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function buildApp(options: BuildAppOptions): Promise<{ app: App; routes: RegisteredRoute[] }> {
  const { config, auth } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    logger: options.logger ? undefined : { level: config.LOG_LEVEL },
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    },
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 5 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, 404, 'common.not_found'));

  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, access: route.config?.access });
    }
    // API-key routes keep the platform's limit (per address, as below; counted per route), but say so only when it
    // is exceeded (429 with Retry-After): programs do not read the informational headers on every answer. This hook
    // is added before the rate-limit plugin's own `onRoute` hook (registered below), which reads the setting.
    if (route.config?.access?.auth === 'api_key' && route.config.rateLimit === undefined) {
      route.config = { ...route.config, rateLimit: API_KEY_RATE_LIMIT };
    }
  });

  // The per-request hooks are callback hooks: an async one costs a promise and a turn of the microtask queue per request.
  const metrics = createMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'data:', 'blob:', 'ws:', 'wss:'],
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: config.NODE_ENV === 'production',
  });
  // Responses of API-key routes are JSON for programs, never a page a browser renders: they get OWASP's set for
  // REST APIs instead of the pages' (CSP for scripts and styles, cross-origin policies…), a third of the header lines.
  const apiHeaders = apiSecurityHeaders(headers);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.routeOptions.config?.access?.auth === 'api_key' ? apiHeaders : headers);
    done();
  });
  await app.register(cookie);
  await app.register(websocket);
  await app.register(rateLimit, {
    global: true,
    max: (request) => (request.routeOptions.config?.access?.auth === 'public' ? config.RATE_LIMIT_PUBLIC_PER_MINUTE : config.RATE_LIMIT_PUBLIC_PER_MINUTE * 100),
    timeWindow: '1 minute',
    errorResponseBuilder: () => new AppError('common.rate_limited'),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Chaharsu API', version: '1.0.0', description: 'The Chaharsu platform API. Errors are application/problem+json with a stable `code`.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          api_key: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  // Request context: who, which organisation, from where. Access is decided in preValidation, once the route is known.
  app.addHook('onRequest', (request, _reply, done) => {
    request.ctx = {
      request_id: request.id,
      actor: { kind: 'system', reason: 'anonymous' },
      org_id: null,
      branch_id: null,
      permissions: new Set(),
      ip: request.ip,
      user_agent: request.headers['user-agent']?.slice(0, 500) ?? null,
      locale: languageOf(request),
      logger: request.log as unknown as Logger,
    } satisfies RequestContext;
    done();
  });
  app.decorateRequest('tx', function tx<T>(this: FastifyRequest, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
    const ctx = this.ctx;
    return inTransaction(options.db, rlsScopeOf(ctx), (db) => fn({ ...ctx, db }));
  });

  // Access is decided before validation, so an anonymous caller gets 401/403, never a 422 describing the input.
  app.addHook('preValidation', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (!access) {
      // Routes of plugins (docs, static files) and health endpoints carry no access: they serve nothing private.
      return;
    }
    if (access.auth === 'public') {
      await attachSessionIfAny(request, auth);
      return;
    }
    if (access.auth === 'api_key') {
      const token = bearerToken(request);
      const key = token ? await auth.resolveApiKey(token) : null;
      if (!key) return sendProblem(reply, request, 401, 'common.unauthenticated');
      if (!key.scopes.includes(access.scope)) return sendProblem(reply, request, 403, 'common.forbidden');
      request.ctx = { ...request.ctx, actor: { kind: 'api_key', api_key_id: key.api_key_id, org_id: key.org_id, scopes: key.scopes, subject_id: key.subject_id }, org_id: key.org_id, permissions: new Set(key.scopes) };
      return;
    }
    if (access.auth === 'agent') return; // the branch-sync module authenticates agents itself (challenge-response)
    const session = await attachSessionIfAny(request, auth);
    if (!session) return sendProblem(reply, request, 401, 'common.unauthenticated');
    if (!SAFE_METHODS.has(request.method) && request.routeOptions.config?.csrf !== false) {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameToken(header, session.csrf_token)) return sendProblem(reply, request, 403, 'common.csrf_failed');
    }
    if (access.auth === 'session') return;
    if (access.auth === 'platform') {
      const permissions = auth.platformPermissions(session);
      if (!permissions.has(access.permission)) return sendProblem(reply, request, 403, 'common.forbidden');
      request.ctx = { ...request.ctx, permissions };
      return;
    }
    // access.auth === 'org'
    if (!session.current_org_id) return sendProblem(reply, request, 409, 'common.no_organisation_selected');
    const permissions = await auth.permissionsInOrg(session, session.current_org_id);
    if (!permissions) return sendProblem(reply, request, 403, 'common.forbidden');
    if (!permissions.has(access.permission) && !permissions.has('*')) return sendProblem(reply, request, 403, 'common.forbidden');
    request.ctx = { ...request.ctx, org_id: session.current_org_id, permissions };
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const ready = options.ready ? await options.ready().catch(() => false) : true;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    reply.type(metrics.contentType);
    return metrics.render();
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const module of options.modules) {
    if (module.routes) await module.routes(app);
  }

  const webDist = config.WEB_DIST_DIR ?? path.join(config.root_dir, 'apps/web/dist');
  if (existsSync(path.join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false, maxAge: config.NODE_ENV === 'production' ? '1h' : 0 });
    // The single-page app: any non-API GET that is not a file gets index.html.
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const url = request.url.split('?')[0] ?? '/';
      if (url.startsWith('/api/')) return sendProblem(reply, request, 404, 'common.not_found');
      const file = path.join(webDist, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
      if (url !== '/' && existsSync(file) && !file.endsWith('/')) return reply.sendFile(path.relative(webDist, file));
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    });
  }

  await app.ready();
  return { app, routes };
}

async function attachSessionIfAny(request: FastifyRequest, auth: AuthPorts): Promise<SessionInfo | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return null;
  const session = await auth.resolveSession(token, { ip: request.ip, user_agent: request.ctx.user_agent });
  if (!session) return null;
  request.ctx = {
    ...request.ctx,
    actor: { kind: 'user', user_id: session.user_id, session_id: session.session_id, is_platform_admin: session.is_platform_admin, is_support_partner: session.is_support_partner },
    locale: session.locale || request.ctx.locale,
  };
  (request as FastifyRequest & { session_info?: SessionInfo }).session_info = session;
  return session;
}
