/**
 * Routes: the seller API (versioned, API key), the seller portal (a person linked to a seller), and
 * the admin screens. Handlers are one line: the schema validates, the hook authenticates, the service decides.
 */
import { z } from 'zod';
import { IdParams, Ok, type App } from '@chaharsu/http';
import { LedgerPermissions, Statement, StatementQuery, ReconcileReport } from '@chaharsu/ledger';
import {
  ApiKeyDto, ApiKeyInput, ApiKeyList, BalanceDto, ChargeDto, ChargeInput, ChargePage, ChargesQuery, CorrectionDto, CorrectionInput, CorrectionPage,
  CreditRequestDto, CreditRequestInput, CreditRequestPage, CreditRequestsQuery, DecisionInput, NewApiKeyDto, SellerDto, SellerInput, SellerPage,
  SellersQuery, SellerUpdate, SellerUserDto, SellerUserInput, StatementExportQuery,
} from './credit-sales.contracts.js';
import { CHARGE_SCOPE } from './credit-sales.shared.js';
import type { CreditSalesServices } from './index.js';

export const CreditSalesPermissions = {
  read: 'credit_sales.read',
  manage: 'credit_sales.manage',
  review: 'credit_sales.requests.review',
  portal: 'credit_sales.portal',
  charge: CHARGE_SCOPE,
} as const;

const P = CreditSalesPermissions;
const tags = ['credit-sales'];
const apiTags = ['credit-sales seller API v1'];
const SellerKeyParams = z.object({ id: z.uuid(), key_id: z.uuid() });
const SellerUserParams = z.object({ id: z.uuid(), user_id: z.uuid() });
const CorrectionsQuery = z.object({ seller_id: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).max(10_000_000).default(0) });
const UserList = z.object({ items: z.array(SellerUserDto) });
const SellerReconcile = z.object({
  ok: z.boolean(),
  ledger: ReconcileReport,
  sellers: z.array(z.object({ seller_id: z.uuid(), name: z.string(), balance_rial: z.number().int(), expected_rial: z.number().int(), approved_rial: z.number().int(), corrections_rial: z.number().int(), sold_rial: z.number().int(), ok: z.boolean() })),
});
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function sellerApiRoutes(app: App, s: CreditSalesServices): void {
  app.post('/api/credit-sales/v1/charges', {
    schema: {
      tags: apiTags, security: [{ api_key: [] }], body: ChargeInput, response: { 201: ChargeDto },
      headers: z.object({ 'idempotency-key': z.string().optional().describe('1–64 printable ASCII characters; a retry with the same key returns the first result') }),
      description: 'Sells a top-up: takes amount_rial from the seller\'s credit. Same Idempotency-Key + same body → the first result again (201, header idempotent-replayed: true, nothing moves). Same key + different body → 422 credit_sales.idempotency_key_reused. Insufficient credit → 409 credit_sales.insufficient_credit (recorded under the key: retrying that key gets 409 again; use a new key after a top-up). Bad phone → 422 credit_sales.invalid_phone; bad amount → 422 credit_sales.invalid_amount.',
    },
    config: { access: { auth: 'api_key', scope: P.charge } },
  }, async (req, reply) => {
    const result = await s.charges.charge(req.ctx, req.body, req.headers['idempotency-key'] as string | undefined);
    // API-key routes answer with the machine API's security headers (no-store, nosniff…: apps/server security-headers.ts).
    return reply.status(201).header('idempotent-replayed', String(result.replayed)).send(result.charge);
  });
  app.get('/api/credit-sales/v1/balance', {
    schema: { tags: apiTags, security: [{ api_key: [] }], response: { 200: BalanceDto } },
    config: { access: { auth: 'api_key', scope: P.charge } },
  }, async (req) => req.tx(async (ctx) => s.reports.balance(ctx, await s.charges.sellerOfKey(ctx))));
  app.get('/api/credit-sales/v1/charges', {
    schema: { tags: apiTags, security: [{ api_key: [] }], querystring: ChargesQuery, response: { 200: ChargePage } },
    config: { access: { auth: 'api_key', scope: P.charge } },
  }, async (req) => req.tx(async (ctx) => s.charges.list(ctx, (await s.charges.sellerOfKey(ctx)).id, req.query)));
}

function portalRoutes(app: App, s: CreditSalesServices): void {
  const portal = { access: { auth: 'org' as const, permission: P.portal } };
  app.get('/api/credit-sales/portal/seller', { schema: { tags, response: { 200: SellerDto } }, config: portal },
    (req) => req.tx(async (ctx) => s.sellers.get(ctx, (await s.sellers.sellerOfUser(ctx)).id)));
  app.get('/api/credit-sales/portal/statement', { schema: { tags, querystring: StatementQuery, response: { 200: Statement } }, config: portal },
    (req) => req.tx(async (ctx) => s.reports.statement(ctx, await s.sellers.sellerOfUser(ctx), req.query)));
  app.get('/api/credit-sales/portal/statement.xlsx', { schema: { tags, querystring: StatementExportQuery }, config: portal }, async (req, reply) => {
    const file = await req.tx(async (ctx) => s.reports.exportStatement(ctx, await s.sellers.sellerOfUser(ctx), req.query));
    return reply.type(XLSX).header('content-disposition', 'attachment; filename="statement.xlsx"').send(file);
  });
  app.get('/api/credit-sales/portal/charges', { schema: { tags, querystring: ChargesQuery, response: { 200: ChargePage } }, config: portal },
    (req) => req.tx(async (ctx) => s.charges.list(ctx, (await s.sellers.sellerOfUser(ctx)).id, req.query)));
  app.get('/api/credit-sales/portal/requests', { schema: { tags, querystring: CreditRequestsQuery.omit({ seller_id: true }), response: { 200: CreditRequestPage } }, config: portal },
    (req) => req.tx(async (ctx) => s.requests.list(ctx, { ...req.query, seller_id: (await s.sellers.sellerOfUser(ctx)).id })));
  app.post('/api/credit-sales/portal/requests', { schema: { tags, body: CreditRequestInput, response: { 201: CreditRequestDto } }, config: portal },
    async (req, reply) => reply.status(201).send(await req.tx(async (ctx) => s.requests.file(ctx, (await s.sellers.sellerOfUser(ctx)).id, req.body))));
  app.get('/api/credit-sales/portal/requests/:id/receipt', { schema: { tags, params: IdParams }, config: portal }, async (req, reply) => {
    const receipt = await req.tx(async (ctx) => s.requests.receipt(ctx, req.params.id, (await s.sellers.sellerOfUser(ctx)).id));
    return reply.type(receipt.content_type).header('content-disposition', 'attachment').header('etag', `"${receipt.sha256}"`).send(receipt.bytes);
  });
  app.get('/api/credit-sales/portal/api-keys', { schema: { tags, response: { 200: ApiKeyList } }, config: portal },
    (req) => req.tx(async (ctx) => s.sellers.listApiKeys(ctx, (await s.sellers.sellerOfUser(ctx)).id)));
  app.post('/api/credit-sales/portal/api-keys', { schema: { tags, body: ApiKeyInput, response: { 201: NewApiKeyDto } }, config: portal },
    async (req, reply) => reply.status(201).send(await req.tx(async (ctx) => s.sellers.createApiKey(ctx, (await s.sellers.sellerOfUser(ctx)).id, req.body.name))));
  app.delete('/api/credit-sales/portal/api-keys/:id', { schema: { tags, params: IdParams, response: { 200: ApiKeyDto } }, config: portal },
    (req) => req.tx(async (ctx) => s.sellers.revokeApiKey(ctx, (await s.sellers.sellerOfUser(ctx)).id, req.params.id)));
}

function adminSellerRoutes(app: App, s: CreditSalesServices): void {
  const read = { access: { auth: 'org' as const, permission: P.read } };
  const manage = { access: { auth: 'org' as const, permission: P.manage } };
  app.get('/api/credit-sales/sellers', { schema: { tags, querystring: SellersQuery, response: { 200: SellerPage } }, config: read }, (req) => req.tx((ctx) => s.sellers.list(ctx, req.query)));
  app.post('/api/credit-sales/sellers', { schema: { tags, body: SellerInput, response: { 201: SellerDto } }, config: manage },
    async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.sellers.create(ctx, req.body))));
  app.get('/api/credit-sales/sellers/:id', { schema: { tags, params: IdParams, response: { 200: SellerDto } }, config: read }, (req) => req.tx((ctx) => s.sellers.get(ctx, req.params.id)));
  app.patch('/api/credit-sales/sellers/:id', { schema: { tags, params: IdParams, body: SellerUpdate, response: { 200: SellerDto } }, config: manage },
    (req) => req.tx((ctx) => s.sellers.update(ctx, req.params.id, req.body)));
  app.get('/api/credit-sales/sellers/:id/statement', { schema: { tags, params: IdParams, querystring: StatementQuery, response: { 200: Statement } }, config: read },
    (req) => req.tx(async (ctx) => s.reports.statement(ctx, await s.sellers.sellerRow(ctx, req.params.id), req.query)));
  app.get('/api/credit-sales/sellers/:id/statement.xlsx', { schema: { tags, params: IdParams, querystring: StatementExportQuery }, config: read }, async (req, reply) => {
    const file = await req.tx(async (ctx) => s.reports.exportStatement(ctx, await s.sellers.sellerRow(ctx, req.params.id), req.query));
    return reply.type(XLSX).header('content-disposition', 'attachment; filename="statement.xlsx"').send(file);
  });
  app.get('/api/credit-sales/sellers/:id/charges', { schema: { tags, params: IdParams, querystring: ChargesQuery, response: { 200: ChargePage } }, config: read },
    (req) => req.tx(async (ctx) => s.charges.list(ctx, (await s.sellers.sellerRow(ctx, req.params.id)).id, req.query)));
  app.get('/api/credit-sales/sellers/:id/users', { schema: { tags, params: IdParams, response: { 200: UserList } }, config: read }, (req) => req.tx((ctx) => s.sellers.users(ctx, req.params.id)));
  app.post('/api/credit-sales/sellers/:id/users', { schema: { tags, params: IdParams, body: SellerUserInput, response: { 201: SellerUserDto } }, config: manage },
    async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.sellers.linkUser(ctx, req.params.id, req.body.user_id))));
  app.delete('/api/credit-sales/sellers/:id/users/:user_id', { schema: { tags, params: SellerUserParams, response: { 200: Ok } }, config: manage },
    (req) => req.tx((ctx) => s.sellers.unlinkUser(ctx, req.params.id, req.params.user_id)));
  app.get('/api/credit-sales/sellers/:id/api-keys', { schema: { tags, params: IdParams, response: { 200: ApiKeyList } }, config: manage }, (req) => req.tx((ctx) => s.sellers.listApiKeys(ctx, req.params.id)));
  app.post('/api/credit-sales/sellers/:id/api-keys', { schema: { tags, params: IdParams, body: ApiKeyInput, response: { 201: NewApiKeyDto } }, config: manage },
    async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.sellers.createApiKey(ctx, req.params.id, req.body.name))));
  app.delete('/api/credit-sales/sellers/:id/api-keys/:key_id', { schema: { tags, params: SellerKeyParams, response: { 200: ApiKeyDto } }, config: manage },
    (req) => req.tx((ctx) => s.sellers.revokeApiKey(ctx, req.params.id, req.params.key_id)));
  app.post('/api/credit-sales/sellers/:id/requests', { schema: { tags, params: IdParams, body: CreditRequestInput, response: { 201: CreditRequestDto } }, config: manage },
    async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.requests.file(ctx, req.params.id, req.body))));
  app.post('/api/credit-sales/sellers/:id/corrections', { schema: { tags, params: IdParams, body: CorrectionInput, response: { 201: CorrectionDto } }, config: manage },
    async (req, reply) => reply.status(201).send(await req.tx((ctx) => s.corrections.create(ctx, req.params.id, req.body))));
}

function adminQueueRoutes(app: App, s: CreditSalesServices): void {
  const read = { access: { auth: 'org' as const, permission: P.read } };
  const review = { access: { auth: 'org' as const, permission: P.review } };
  app.get('/api/credit-sales/requests', { schema: { tags, querystring: CreditRequestsQuery, response: { 200: CreditRequestPage } }, config: read }, (req) => req.tx((ctx) => s.requests.list(ctx, req.query)));
  app.get('/api/credit-sales/requests/:id', { schema: { tags, params: IdParams, response: { 200: CreditRequestDto } }, config: read }, (req) => req.tx((ctx) => s.requests.get(ctx, req.params.id)));
  app.get('/api/credit-sales/requests/:id/receipt', { schema: { tags, params: IdParams }, config: read }, async (req, reply) => {
    const receipt = await req.tx((ctx) => s.requests.receipt(ctx, req.params.id));
    return reply.type(receipt.content_type).header('content-disposition', 'attachment').header('etag', `"${receipt.sha256}"`).send(receipt.bytes);
  });
  app.post('/api/credit-sales/requests/:id/approve', { schema: { tags, params: IdParams, body: DecisionInput, response: { 200: CreditRequestDto } }, config: review },
    (req) => req.tx((ctx) => s.requests.approve(ctx, req.params.id, req.body.note)));
  app.post('/api/credit-sales/requests/:id/reject', { schema: { tags, params: IdParams, body: DecisionInput, response: { 200: CreditRequestDto } }, config: review },
    (req) => req.tx((ctx) => s.requests.reject(ctx, req.params.id, req.body.note)));
  app.get('/api/credit-sales/corrections', { schema: { tags, querystring: CorrectionsQuery, response: { 200: CorrectionPage } }, config: read },
    (req) => req.tx((ctx) => s.corrections.list(ctx, req.query.seller_id, req.query.limit, req.query.offset)));
  app.get('/api/credit-sales/reconcile', { schema: { tags, response: { 200: SellerReconcile } }, config: { access: { auth: 'org', permission: LedgerPermissions.reconcile } } },
    (req) => s.reports.reconcileSnapshot(req.ctx));
}

export function creditSalesRoutes(s: CreditSalesServices) {
  return (app: App): void => {
    sellerApiRoutes(app, s);
    portalRoutes(app, s);
    adminSellerRoutes(app, s);
    adminQueueRoutes(app, s);
  };
}
