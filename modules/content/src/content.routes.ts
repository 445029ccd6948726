/** Routes of the content module: schema + access + a one-line handler (the ETag dance is the one exception). */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlatformPermissions } from '@chaharsu/access';
import type { App } from '@chaharsu/http';
import {
  HelpListQuery, HelpPage, HelpPageInput, HelpPageList, HelpQuery, LocaleKeyParams, LocaleParam, PageKeyParams, PublicOverrides,
  TranslationExport, TranslationImport, TranslationImported, TranslationInput, TranslationListQuery, TranslationPage, TranslationSaved,
} from './content.contracts.js';
import type { ContentService } from './content.service.js';

const tags = ['content'];
const manage = { auth: 'platform', permission: PlatformPermissions.translationsManage } as const;

/** True when the client's If-None-Match names `etag` (a list, weak validators and `*` included). */
export function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  const values = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((v) => v.trim().replace(/^W\//, ''));
  return values.includes(etag) || values.includes('*');
}

/**
 * Polled by every open page: answers 304 from the version row alone while nothing changed. `no-cache` makes
 * browsers revalidate each time (with If-None-Match) instead of serving a stale copy.
 */
async function sendOverrides(service: ContentService, locale: string, request: FastifyRequest, reply: FastifyReply) {
  reply.header('cache-control', 'no-cache');
  const version = await request.tx((ctx) => service.catalogueVersion(ctx, locale));
  const current = `"${locale}-${version}"`;
  if (etagMatches(request.headers['if-none-match'], current)) return reply.header('etag', current).status(304).send();
  const published = await request.tx((ctx) => service.publishedOverrides(ctx, locale));
  return reply.header('etag', `"${locale}-${published.version}"`).send(published);
}

export function contentRoutes(service: ContentService) {
  return (app: App): void => {
    app.get('/api/i18n/:locale', {
      schema: { tags, params: LocaleParam, response: { 200: PublicOverrides } },
      config: { access: { auth: 'public' } },
    }, (req, reply) => sendOverrides(service, req.params.locale, req, reply));

    app.get('/api/platform/translations', {
      schema: { tags, querystring: TranslationListQuery, response: { 200: TranslationPage } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.listTranslations(ctx, req.query)));

    app.put('/api/platform/translations/:locale', {
      schema: { tags, params: LocaleParam, body: TranslationInput, response: { 200: TranslationSaved } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.saveTranslation(ctx, req.params.locale, req.body)));

    app.delete('/api/platform/translations/:locale/:key', {
      schema: { tags, params: LocaleKeyParams, response: { 204: z.null().describe('back to the default text') } },
      config: { access: manage },
    }, async (req, reply) => reply.status(204).send(await req.tx((ctx) => service.resetTranslation(ctx, req.params.locale, req.params.key)).then(() => null)));

    app.post('/api/platform/translations/:locale/import', {
      schema: { tags, params: LocaleParam, body: TranslationImport, response: { 200: TranslationImported } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.importTranslations(ctx, req.params.locale, req.body.entries)));

    app.get('/api/platform/translations/:locale/export', {
      schema: { tags, params: LocaleParam, response: { 200: TranslationExport } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.exportTranslations(ctx, req.params.locale)));

    app.get('/api/help/:page_key', {
      schema: { tags, params: PageKeyParams, querystring: HelpQuery, response: { 200: HelpPage } },
      config: { access: { auth: 'public' } },
    }, (req) => req.tx((ctx) => service.helpPage(ctx, req.params.page_key, req.query.locale)));

    app.put('/api/platform/help/:page_key', {
      schema: { tags, params: PageKeyParams, body: HelpPageInput, response: { 200: HelpPage } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.saveHelpPage(ctx, req.params.page_key, req.body)));

    app.get('/api/platform/help', {
      schema: { tags, querystring: HelpListQuery, response: { 200: HelpPageList } },
      config: { access: manage },
    }, (req) => req.tx((ctx) => service.listHelpPages(ctx, req.query.locale)));
  };
}
