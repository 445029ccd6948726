import { z } from 'zod';
import { IdParams, type App } from '@chaharsu/http';
import {
  AdjustmentCreate, ItemMinimumDto, MinimumBody, MovementCreate, MovementDto, MovementPage, MovementQuery, MoveResult, ReversalCreate,
  StockLevelDto, StockListQuery, StockPage, StockQuery,
} from './inventory.contracts.js';
import { InventoryPermissions as P } from './inventory.permissions.js';
import type { InventoryService } from './inventory.service.js';
import type { MovementLane } from './movement-lane.js';

const tags = ['inventory'];
const ItemParams = z.object({ item_id: z.uuid() });
const WarehouseItemParams = z.object({ warehouse_id: z.uuid(), item_id: z.uuid() });

export function inventoryRoutes(service: InventoryService, lane: MovementLane | null) {
  return (app: App): void => {
    app.get('/api/inventory/stock', { schema: { tags, querystring: StockQuery, response: { 200: StockPage } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => service.listStock(ctx, req.query)));
    app.get('/api/inventory/stock/low', { schema: { tags, querystring: StockListQuery, response: { 200: StockPage } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => service.lowStock(ctx, req.query)));
    app.get('/api/inventory/stock/negative', { schema: { tags, querystring: StockListQuery, response: { 200: StockPage } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => service.negativeStock(ctx, req.query)));

    app.get('/api/inventory/movements', { schema: { tags, querystring: MovementQuery, response: { 200: MovementPage } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => service.listMovements(ctx, req.query)));
    app.get('/api/inventory/movements/:id', { schema: { tags, params: IdParams, response: { 200: MovementDto } }, config: { access: { auth: 'org', permission: P.read } } },
      (req) => req.tx((ctx) => service.getMovement(ctx, req.params.id)));
    app.post('/api/inventory/movements', { schema: { tags, body: MovementCreate, response: { 201: MoveResult } }, config: { access: { auth: 'org', permission: P.move } } },
      // Grouped with other operators' movements into one transaction (movement-lane.ts); answered after its commit.
      async (req, reply) => reply.status(201).send(await (lane ? lane.submit(req.ctx, req.body) : req.tx((ctx) => service.move(ctx, req.body)))));
    app.post('/api/inventory/adjustments', { schema: { tags, body: AdjustmentCreate, response: { 201: MoveResult } }, config: { access: { auth: 'org', permission: P.adjust } } },
      async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.adjust(ctx, req.body))));
    app.post('/api/inventory/movements/:id/reverse', { schema: { tags, params: IdParams, body: ReversalCreate, response: { 201: MoveResult } }, config: { access: { auth: 'org', permission: P.reverse } } },
      async (req, reply) => reply.status(201).send(await req.tx((ctx) => service.reverse(ctx, req.params.id, req.body))));

    app.put('/api/inventory/items/:item_id/minimum', { schema: { tags, params: ItemParams, body: MinimumBody, response: { 200: ItemMinimumDto } }, config: { access: { auth: 'org', permission: P.minimumManage } } },
      (req) => req.tx((ctx) => service.setItemMinimum(ctx, req.params.item_id, req.body)));
    app.put('/api/inventory/warehouses/:warehouse_id/items/:item_id/minimum', { schema: { tags, params: WarehouseItemParams, body: MinimumBody, response: { 200: StockLevelDto } }, config: { access: { auth: 'org', permission: P.minimumManage } } },
      (req) => req.tx((ctx) => service.setWarehouseMinimum(ctx, req.params.warehouse_id, req.params.item_id, req.body)));
  };
}
