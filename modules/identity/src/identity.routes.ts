/** The identity routes: schema + access + a one-line call into the services. Cookies are set here. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { AppError, assert } from '@chaharsu/kit';
import { IdParams, type App, type Ctx } from '@chaharsu/http';
import { OrgPermissions } from '@chaharsu/access';
import {
  ApiKeyList, CreateApiKeyBody, CreatedApiKey, DevInboxList, Me, OtpRequestBody, OtpRequestResult, OtpVerifyBody,
  PasswordSignInBody, Preferences, SessionList, TelegramLink, UpdateMeBody, type MeDto,
} from './identity.contracts.js';
import type { IdentityConfig } from './identity.config.js';
import type { IdentityServices } from './identity.services.js';
import type { DevInbox } from './sms/dev.js';

export const SESSION_COOKIE = 'chaharsu_session';
export const CSRF_COOKIE = 'chaharsu_csrf';

const tags = ['identity'];

/** The signed-in person behind a `session` route (the access hook has already checked the session). */
function signedIn(req: FastifyRequest): { user_id: string; session_id: string; token: string } {
  const actor = req.ctx.actor;
  assert(actor.kind === 'user' && actor.session_id, 'a session route without a signed-in person');
  return { user_id: actor.user_id, session_id: actor.session_id, token: req.cookies[SESSION_COOKIE] ?? '' };
}

export function registerIdentityRoutes(app: App, services: IdentityServices, config: IdentityConfig, inbox: DevInbox | null): void {
  const cookieBase = { path: '/', secure: config.production, maxAge: config.session.max_age_days * 86_400 };
  const setSessionCookies = (reply: FastifyReply, token: string, csrf_token: string): void => {
    reply.setCookie(SESSION_COOKIE, token, { ...cookieBase, httpOnly: true, sameSite: 'lax' });
    reply.setCookie(CSRF_COOKIE, csrf_token, { ...cookieBase, httpOnly: false, sameSite: 'strict' });
  };
  const clearSessionCookies = (reply: FastifyReply): void => {
    reply.clearCookie(SESSION_COOKIE, { path: '/', secure: config.production, httpOnly: true, sameSite: 'lax' });
    reply.clearCookie(CSRF_COOKIE, { path: '/', secure: config.production, sameSite: 'strict' });
  };
  const signInReply = async (req: FastifyRequest, reply: FastifyReply, started: { token: string; session_id: string; user: { id: string } }): Promise<MeDto> => {
    setSessionCookies(reply, started.token, services.sessions.csrfFor(started.token));
    return services.me(req.ctx, started.user.id, started.session_id, started.token);
  };
  const me = (req: FastifyRequest, ctx: Ctx): Promise<MeDto> => {
    const who = signedIn(req);
    return services.meIn(ctx, who.user_id, who.session_id, who.token);
  };
  const publicPost = { access: { auth: 'public' as const }, csrf: false };
  const session = { access: { auth: 'session' as const } };
  const manageKeys = { access: { auth: 'org' as const, permission: OrgPermissions.apiKeysManage } };

  app.post('/api/auth/otp/request', { schema: { tags, body: OtpRequestBody, response: { 202: OtpRequestResult } }, config: publicPost },
    async (req, reply) => reply.status(202).send(await services.otp.request(req.ctx, req.body)));

  app.post('/api/auth/otp/verify', { schema: { tags, body: OtpVerifyBody, response: { 200: Me } }, config: publicPost },
    async (req, reply) => signInReply(req, reply, await services.otp.verify(req.ctx, req.body)));

  app.post('/api/auth/password', { schema: { tags, body: PasswordSignInBody, response: { 200: Me } }, config: publicPost },
    async (req, reply) => signInReply(req, reply, await services.password.signIn(req.ctx, req.body)));

  app.post('/api/auth/sign-out', { schema: { tags }, config: session }, async (req, reply) => {
    const who = signedIn(req);
    await req.tx((ctx) => services.sessions.revoke(ctx, who.user_id, who.session_id, 'identity.signed_out'));
    clearSessionCookies(reply);
    return reply.status(204).send();
  });

  app.get('/api/me', { schema: { tags, response: { 200: Me } }, config: session }, (req) => req.tx((ctx) => me(req, ctx)));

  app.patch('/api/me', { schema: { tags, body: UpdateMeBody, response: { 200: Me } }, config: session },
    (req) => req.tx(async (ctx) => { await services.users.updateDisplayName(ctx, signedIn(req).user_id, req.body.display_name); return me(req, ctx); }));

  app.put('/api/me/preferences', { schema: { tags, body: Preferences, response: { 200: Preferences } }, config: session },
    (req) => req.tx((ctx) => services.users.setPreferences(ctx, signedIn(req).user_id, req.body)));

  app.get('/api/me/sessions', { schema: { tags, response: { 200: SessionList } }, config: session },
    (req) => req.tx(async (ctx) => ({ items: await services.sessions.list(ctx, signedIn(req).user_id, signedIn(req).session_id) })));

  app.delete('/api/me/sessions/:id', { schema: { tags, params: IdParams }, config: session }, async (req, reply) => {
    await req.tx((ctx) => services.sessions.revoke(ctx, signedIn(req).user_id, req.params.id));
    return reply.status(204).send();
  });

  app.post('/api/me/telegram/link', { schema: { tags, response: { 200: TelegramLink } }, config: session },
    (req) => req.tx((ctx) => services.telegramLinks.createLink(ctx, signedIn(req).user_id)));

  app.delete('/api/me/telegram', { schema: { tags }, config: session }, async (req, reply) => {
    await req.tx((ctx) => services.telegramLinks.unlink(ctx, signedIn(req).user_id));
    return reply.status(204).send();
  });

  app.get('/api/org/api-keys', { schema: { tags, response: { 200: ApiKeyList } }, config: manageKeys },
    (req) => req.tx(async (ctx) => ({ items: await services.apiKeys.list(ctx) })));

  app.post('/api/org/api-keys', { schema: { tags, body: CreateApiKeyBody, response: { 201: CreatedApiKey } }, config: manageKeys },
    async (req, reply) => reply.status(201).send(await req.tx((ctx) => services.apiKeys.create(ctx, { org_id: orgOf(ctx), ...req.body }))));

  app.delete('/api/org/api-keys/:id', { schema: { tags, params: IdParams }, config: manageKeys }, async (req, reply) => {
    await req.tx((ctx) => services.apiKeys.revoke(ctx, req.params.id));
    return reply.status(204).send();
  });

  // Development only: the codes the dev provider "sent". Never registered in production or with a real provider.
  if (inbox && config.sms.provider === 'dev' && !config.production) {
    app.get('/api/dev/sms-inbox', { schema: { tags, response: { 200: DevInboxList } }, config: { access: { auth: 'public' } } },
      async () => ({ items: inbox.list() }));
  }
}

function orgOf(ctx: Ctx): string {
  if (!ctx.org_id) throw new AppError('common.no_organisation_selected');
  return ctx.org_id;
}
