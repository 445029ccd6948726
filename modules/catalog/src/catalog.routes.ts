import { z } from 'zod';
import { IdParams, Ok, type App } from '@chaharsu/http';
import {
  AttributeCreate, AttributeDto, AttributeList, CategoryCreate, CategoryDto, CategoryList, CategoryMove, CategoryUpdate, ImportJsonBody,
  ImportReport, LookupQuery, LookupResult, ProductCreate, ProductDto, ProductListQuery, ProductSearchPage, ProductUpdate, VariantCreate,
  VariantDto, VariantUpdate,
} from './catalog.contracts.js';
import { CatalogPermissions as P } from './catalog.permissions.js';
import { toAttributeDto, type CategoryService } from './category.service.js';
import type { ProductService } from './product.service.js';
import type { ImportService } from './import.service.js';

const VariantParams = z.object({ id: z.uuid(), variant_id: z.uuid() });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const tags = ['catalog'];

export function catalogRoutes(services: { categories: CategoryService; products: ProductService; imports: ImportService }) {
  const { categories, products, imports } = services;
  return (app: App): void => {
    app.get('/api/catalog/categories', { schema: { tags, response: { 200: CategoryList } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx(async (ctx) => ({ items: await categories.list(ctx) })));
    app.post('/api/catalog/categories', { schema: { tags, body: CategoryCreate, response: { 201: CategoryDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      async (req, reply) => reply.status(201).send(await req.tx((ctx) => categories.create(ctx, req.body))));
    app.patch('/api/catalog/categories/:id', { schema: { tags, params: IdParams, body: CategoryUpdate, response: { 200: CategoryDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx((ctx) => categories.update(ctx, req.params.id, req.body)));
    app.post('/api/catalog/categories/:id/move', { schema: { tags, params: IdParams, body: CategoryMove, response: { 200: CategoryDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx((ctx) => categories.move(ctx, req.params.id, req.body)));
    app.delete('/api/catalog/categories/:id', { schema: { tags, params: IdParams, response: { 200: Ok } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx(async (ctx) => { await categories.remove(ctx, req.params.id); return { ok: true as const }; }));

    app.get('/api/catalog/categories/:id/attributes', { schema: { tags, params: IdParams, response: { 200: AttributeList } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx(async (ctx) => ({ items: (await categories.effectiveAttributes(ctx, req.params.id)).map(toAttributeDto) })));
    app.post('/api/catalog/categories/:id/attributes', { schema: { tags, params: IdParams, body: AttributeCreate, response: { 201: AttributeDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      async (req, reply) => reply.status(201).send(await req.tx((ctx) => categories.createAttribute(ctx, req.params.id, req.body))));
    app.delete('/api/catalog/attributes/:id', { schema: { tags, params: IdParams, response: { 200: Ok } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx(async (ctx) => { await categories.removeAttribute(ctx, req.params.id); return { ok: true as const }; }));

    app.get('/api/catalog/products', { schema: { tags, querystring: ProductListQuery, response: { 200: ProductSearchPage } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => products.search(ctx, req.query)));
    app.get('/api/catalog/lookup', { schema: { tags, querystring: LookupQuery, response: { 200: LookupResult } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => products.lookup(ctx, req.query.code)));
    app.post('/api/catalog/products', { schema: { tags, body: ProductCreate, response: { 201: ProductDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      async (req, reply) => reply.status(201).send(await req.tx((ctx) => products.create(ctx, req.body))));
    app.get('/api/catalog/products/:id', { schema: { tags, params: IdParams, response: { 200: ProductDto } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => products.get(ctx, req.params.id)));
    app.patch('/api/catalog/products/:id', { schema: { tags, params: IdParams, body: ProductUpdate, response: { 200: ProductDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx((ctx) => products.update(ctx, req.params.id, req.body)));
    app.delete('/api/catalog/products/:id', { schema: { tags, params: IdParams, response: { 200: Ok } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx(async (ctx) => { await products.remove(ctx, req.params.id); return { ok: true as const }; }));

    app.post('/api/catalog/products/:id/variants', { schema: { tags, params: IdParams, body: VariantCreate, response: { 201: VariantDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      async (req, reply) => reply.status(201).send(await req.tx((ctx) => products.addVariant(ctx, req.params.id, req.body))));
    app.patch('/api/catalog/products/:id/variants/:variant_id', { schema: { tags, params: VariantParams, body: VariantUpdate, response: { 200: VariantDto } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx((ctx) => products.updateVariant(ctx, req.params.id, req.params.variant_id, req.body)));
    app.delete('/api/catalog/products/:id/variants/:variant_id', { schema: { tags, params: VariantParams, response: { 200: Ok } }, config: { access: { auth: 'org', permission: P.manage } } },
      (req) => req.tx(async (ctx) => { await products.removeVariant(ctx, req.params.id, req.params.variant_id); return { ok: true as const }; }));

    app.post('/api/catalog/import', {
      schema: { tags, body: ImportJsonBody, response: { 200: ImportReport } },
      config: { access: { auth: 'org', permission: P.import } },
      bodyLimit: 8 * 1024 * 1024,
    }, (req) => req.tx((ctx) => imports.importProducts(ctx, Buffer.from(req.body.file_base64, 'base64'), req.body.mode)));
    app.get('/api/catalog/export', { schema: { tags }, config: { access: { auth: 'org', permission: P.export } } }, async (req, reply) => {
      const file = await req.tx((ctx) => imports.exportProducts(ctx));
      return reply.type(XLSX).header('content-disposition', 'attachment; filename="products.xlsx"').send(file);
    });
  };
}
