import { AppError, assert, newId, type Actor, type RequestContext } from '@chaharsu/kit';
import type { Logger } from 'pino';
import { pgConstraint, pgErrorCode, type Db } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi, AuditEntry } from '@chaharsu/audit';
import type { CatalogApi, CatalogItem } from '@chaharsu/catalog';
import type { NotifyApi } from '@chaharsu/notify';
import { movementRepository as movements, stockRepository as stock, type AppliedItemLeg, type NewLegRow } from './inventory.repository.js';
import type { MovementRow, StockLevelRow } from './inventory.tables.js';
import type {
  AdjustmentCreate, MinimumBody, MovementCreate, MovementDto, MovementPage, MovementQuery, MoveResult, ReversalCreate, StockLevelDto,
  StockListQuery, StockPage, StockQuery,
} from './inventory.contracts.js';
import type { StockAlertRecipients, WarehouseDirectory } from './inventory.ports.js';
import './inventory.errors.js';

/** Options only other modules pass (never taken from an HTTP body). */
export interface MoveOptions {
  /** The employee who physically moved the goods (the warehouse module passes a face-confirmed one). */
  employee_id?: string | null;
  /** Accept a balance below zero: a sale that already happened elsewhere (e.g. mirrored from a branch POS). */
  allow_negative?: boolean;
}

export interface Leg {
  id: string;
  type: MovementRow['type'];
  warehouse_id: string;
  delta: number;
  counter_warehouse_id: string | null;
  transfer_id: string | null;
  reverses_movement_id: string | null;
}

interface Note { reason?: string | undefined; reference_type?: string | undefined; reference_id?: string | undefined; idempotency_key?: string | undefined }

export interface InventoryDeps {
  /** The pool the movement lane opens its transactions on (without it, submitMove is unavailable and the route writes one transaction per movement). */
  db?: Db;
  logger?: Logger;
  /** The movement lane's batch size and queue bound (defaults 64 and 5,000 per organisation and process). */
  movement_lane?: { max_batch?: number; max_queued?: number };
  audit: AuditApi;
  catalog: CatalogApi;
  notify: NotifyApi;
  warehouses: WarehouseDirectory;
  recipients: StockAlertRecipients;
}

export const qty = (n: number): string => n.toFixed(3);
const num = (s: string | null): number | null => (s === null ? null : Number(s));

function orgOf(ctx: Ctx): string {
  assert(ctx.org_id, 'inventory needs an organisation in the context');
  return ctx.org_id;
}

export function actorIds(actor: Actor): { user_id: string | null; actor_id: string | null } {
  switch (actor.kind) {
    case 'user': return { user_id: actor.user_id, actor_id: actor.user_id };
    case 'api_key': return { user_id: null, actor_id: actor.api_key_id };
    case 'agent': return { user_id: null, actor_id: actor.agent_id };
    case 'system': return { user_id: null, actor_id: actor.reason };
  }
}

export function toMovementDto(row: MovementRow, reversed_by: string | null = null): MovementDto {
  return {
    id: row.id, created_at: row.created_at.toISOString(), type: row.type, warehouse_id: row.warehouse_id, item_id: row.item_id,
    product_id: row.product_id, variant_id: row.variant_id, quantity_delta: Number(row.quantity_delta), quantity_after: Number(row.quantity_after),
    counter_warehouse_id: row.counter_warehouse_id, transfer_id: row.transfer_id, reverses_movement_id: row.reverses_movement_id,
    reversed_by_movement_id: reversed_by, user_id: row.user_id, employee_id: row.employee_id, actor_kind: row.actor_kind,
    reason: row.reason, reference_type: row.reference_type, reference_id: row.reference_id,
  };
}

function toStockDto(row: StockLevelRow, item: CatalogItem | undefined): StockLevelDto {
  return {
    warehouse_id: row.warehouse_id, item_id: row.item_id, product_id: row.product_id, variant_id: row.variant_id,
    code: item?.code ?? '', name: item?.name ?? '', unit: item?.unit ?? '',
    quantity: Number(row.quantity), min_quantity: num(row.min_quantity), min_quantity_override: num(row.min_quantity_override),
    last_movement_at: row.last_movement_at ? row.last_movement_at.toISOString() : null, updated_at: row.updated_at.toISOString(),
  };
}

function leg(type: Leg['type'], warehouse_id: string, delta: number, extra: Partial<Leg> = {}): Leg {
  return { id: newId(), type, warehouse_id, delta, counter_warehouse_id: null, transfer_id: null, reverses_movement_id: null, ...extra };
}

/** What an IN / OUT / TRANSFER will write, before anything is read: its legs, the movement types a replay must match, its warehouses. */
export interface MovePlan { item_id: string; legs: Leg[]; types: MovementRow['type'][]; warehouse_ids: string[] }

export function planMove(input: MovementCreate): MovePlan {
  if (input.type === 'transfer') {
    if (input.from_warehouse_id === input.to_warehouse_id) throw new AppError('inventory.transfer_same_warehouse');
    const out = leg('transfer_out', input.from_warehouse_id, -input.quantity, { counter_warehouse_id: input.to_warehouse_id });
    out.transfer_id = out.id;
    const inLeg = leg('transfer_in', input.to_warehouse_id, input.quantity, { counter_warehouse_id: input.from_warehouse_id, transfer_id: out.id });
    return { item_id: input.item_id, legs: [out, inLeg], types: ['transfer_out', 'transfer_in'], warehouse_ids: [input.from_warehouse_id, input.to_warehouse_id] };
  }
  const single = leg(input.type, input.warehouse_id, input.type === 'in' ? input.quantity : -input.quantity);
  return { item_id: input.item_id, legs: [single], types: [input.type], warehouse_ids: [input.warehouse_id] };
}

/** The answer to a request whose idempotency key was used before: what the first one wrote, or a refusal when it was another request. */
export function replayOf(rows: MovementRow[], expect: { item_id?: string; types: MovementRow['type'][] }): MoveResult {
  if (rows.some((r) => !expect.types.includes(r.type) || (expect.item_id && r.item_id !== expect.item_id))) throw new AppError('inventory.idempotency_key_reused');
  return { movements: rows.map((r) => toMovementDto(r)), replayed: true };
}

/** Whether a leg may take its balance below zero: a receipt always; an issue only for a sale already made elsewhere. */
export function mayGoNegative(leg: Pick<Leg, 'delta'>, options: MoveOptions): boolean {
  return leg.delta > 0 || options.allow_negative === true;
}

/** A leg's ledger row as the request writes it; its call (apply_item_leg) adds the item's product and variant. */
export function newLegRow(ctx: RequestContext, item_id: string, leg: Leg, note: Note, options: MoveOptions, with_key: boolean): NewLegRow {
  assert(ctx.org_id, 'inventory needs an organisation in the context');
  const who = actorIds(ctx.actor);
  return {
    org_id: ctx.org_id, id: leg.id, type: leg.type, warehouse_id: leg.warehouse_id, item_id,
    quantity_delta: qty(leg.delta), counter_warehouse_id: leg.counter_warehouse_id, transfer_id: leg.transfer_id,
    reverses_movement_id: leg.reverses_movement_id, user_id: who.user_id, employee_id: options.employee_id ?? null, actor_kind: ctx.actor.kind,
    actor_id: who.actor_id, reason: note.reason ?? null, reference_type: note.reference_type ?? null, reference_id: note.reference_id ?? null,
    idempotency_key: with_key ? note.idempotency_key ?? null : null,
  };
}

/** What an applied leg's call answered: the ledger row's time and balance, and the item it looked up. */
type AppliedAnswer = Pick<AppliedItemLeg, 'product_id' | 'variant_id' | 'code' | 'name' | 'is_active' | 'created_at' | 'quantity_after'>;

/** The ledger row an applied leg wrote. */
export function appliedMovement(row: NewLegRow, applied: AppliedAnswer): MovementRow {
  const { product_id, created_at, quantity_after } = applied;
  assert(product_id !== null && created_at !== null && quantity_after !== null, 'an applied leg has its item and ledger row');
  return { ...row, product_id, variant_id: applied.variant_id, quantity_after, created_at };
}

/** The catalog item an applied leg named (its lookup came back with the leg; `unit_name`: the item's unit). */
export function appliedItem(item_id: string, applied: AppliedAnswer, unit_name: string | null): CatalogItem {
  return {
    item_id, product_id: applied.product_id ?? '', variant_id: applied.variant_id, code: applied.code ?? '', name: applied.name ?? '',
    unit: unit_name ?? '', is_active: applied.is_active === true, has_variants: false,
  };
}

/** The audit record of a movement request: its type and the legs it wrote. */
export function movementAuditEntry(type: Leg['type'] | undefined, movements: MovementDto[]): AuditEntry {
  return { action: `inventory.movement.${type ?? 'unknown'}`, entity_type: 'inventory.movement', entity_id: movements[0]?.id ?? null, after: movements };
}

/** A refused leg as the caller's error: why, with the balance available when the stock is short. */
export function refusalOf(applied: { outcome: string; code: string | null; available: string | null }, item_id: string, leg: Pick<Leg, 'warehouse_id' | 'delta'>): AppError {
  if (applied.outcome === 'item_not_found') return new AppError('inventory.item_not_found');
  if (applied.outcome === 'item_needs_variant') return new AppError('inventory.item_needs_variant');
  return new AppError('inventory.insufficient_stock', { item_id, code: applied.code ?? '', warehouse_id: leg.warehouse_id, available: Number(applied.available ?? 0), requested: -leg.delta });
}

export function createInventoryService(deps: InventoryDeps) {
  const { audit, catalog, notify, warehouses, recipients } = deps;

  async function itemOf(ctx: Ctx, item_id: string): Promise<CatalogItem> {
    const item = (await catalog.getItems(ctx, [item_id])).get(item_id);
    if (!item) throw new AppError('inventory.item_not_found');
    if (item.has_variants) throw new AppError('inventory.item_needs_variant');
    return item;
  }

  async function requireWarehouse(ctx: Ctx, warehouse_id: string): Promise<void> {
    if (!(await warehouses.exists(ctx, warehouse_id))) throw new AppError('inventory.warehouse_not_found');
  }

  /** Serialises requests that carry the same idempotency key; returns what the first one wrote, if any. */
  async function replay(ctx: Ctx, key: string | undefined, expect: { item_id?: string; types: MovementRow['type'][] }): Promise<MoveResult | null> {
    if (!key) return null;
    const rows = await movements.claimIdempotencyKey(ctx.db, orgOf(ctx), key);
    return rows.length === 0 ? null : replayOf(rows, expect);
  }

  /** Tells the people responsible once when a balance falls below its minimum (again after it recovered). */
  async function alertIfLow(ctx: Ctx, level: StockLevelRow, item: CatalogItem): Promise<void> {
    if (level.min_quantity === null || Number(level.quantity) >= Number(level.min_quantity) || level.low_notified_at !== null) return;
    if (!(await stock.markLowNotified(ctx.db, { org_id: level.org_id, warehouse_id: level.warehouse_id, item_id: level.item_id }))) return;
    await tellLow(ctx, { warehouse_id: level.warehouse_id, quantity: level.quantity, min_quantity: level.min_quantity }, item);
  }

  /** The low-stock notification itself, once the balance row is marked as notified. */
  async function tellLow(ctx: Ctx, level: { warehouse_id: string; quantity: string; min_quantity: string }, item: CatalogItem): Promise<void> {
    const users = await recipients.lowStock(ctx, level.warehouse_id);
    if (users.length === 0) return;
    await notify.send(ctx, {
      kind: 'inventory.low_stock',
      title_key: 'inventory.notifications.low_stock',
      params: { code: item.code, name: item.name, unit: item.unit, quantity: Number(level.quantity), min_quantity: Number(level.min_quantity), warehouse_id: level.warehouse_id },
      link: `/inventory/low-stock?warehouse_id=${level.warehouse_id}`,
      entity_type: 'inventory.stock_level',
      entity_id: `${level.warehouse_id}:${item.item_id}`,
      dedupe_key: `inventory.low_stock:${level.warehouse_id}:${item.item_id}`,
      recipient_user_ids: users,
    });
  }

  /**
   * Applies the legs and appends their movements in the caller's transaction, one round trip per leg
   * (inventory.apply_item_leg: the item's lookup, the guarded balance update and the ledger row). Legs lock their
   * stock rows in warehouse order, so two opposite transfers cannot deadlock each other. A refusal (unknown item,
   * a product with variants, not enough stock) throws; the caller's transaction then rolls back every leg.
   */
  async function write(ctx: Ctx, item_id: string, legs: Leg[], note: Note, options: MoveOptions): Promise<MoveResult> {
    const written = new Map<string, MovementRow>();
    const crossed: Array<{ warehouse_id: string; quantity: string; min_quantity: string }> = [];
    let item: CatalogItem | undefined;
    for (const leg of [...legs].sort((a, b) => a.warehouse_id.localeCompare(b.warehouse_id))) {
      const row = newLegRow(ctx, item_id, leg, note, options, leg === legs[0]);
      const applied = await applyLeg(ctx, row, mayGoNegative(leg, options));
      if (applied.outcome !== 'applied') throw refusalOf(applied, item_id, leg);
      const movement = appliedMovement(row, applied);
      item ??= appliedItem(item_id, applied, applied.unit);
      written.set(row.id, movement);
      if (applied.low_alert && applied.min_quantity !== null) crossed.push({ warehouse_id: leg.warehouse_id, quantity: movement.quantity_after, min_quantity: applied.min_quantity });
    }
    if (item) for (const level of crossed) await tellLow(ctx, level, item);
    const result = legs.map((leg) => written.get(leg.id)).filter((r): r is MovementRow => !!r).map((r) => toMovementDto(r));
    await audit.record(ctx, movementAuditEntry(legs[0]?.type, result));
    return { movements: result, replayed: false };
  }

  async function applyLeg(ctx: Ctx, row: NewLegRow, allow_negative: boolean): Promise<AppliedItemLeg> {
    try {
      return await stock.applyItemLeg(ctx.db, row, allow_negative);
    } catch (error) {
      if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'movement_reversed_once') throw new AppError('inventory.already_reversed');
      throw error;
    }
  }

  async function levelsPage(ctx: Ctx, rows: StockLevelRow[], total: number): Promise<StockPage> {
    const items = await catalog.getItems(ctx, rows.map((r) => r.item_id));
    return { items: rows.map((r) => toStockDto(r, items.get(r.item_id))), total };
  }

  return {
    tellLow,
    /** IN, OUT or TRANSFER (two legs, one transaction). OUT and the transfer's out leg refuse to go below zero. */
    async move(ctx: Ctx, input: MovementCreate, options: MoveOptions = {}): Promise<MoveResult> {
      const plan = planMove(input);
      const replayed = await replay(ctx, input.idempotency_key, { item_id: input.item_id, types: plan.types });
      if (replayed) return replayed;
      // The item is looked up by the first leg (inventory.apply_item_leg), in the same round trip.
      for (const warehouse_id of plan.warehouse_ids) await requireWarehouse(ctx, warehouse_id);
      return write(ctx, input.item_id, plan.legs, input, options);
    },

    /** ADJUST: a counted quantity (the difference is recorded) or a signed correction. */
    async adjust(ctx: Ctx, input: AdjustmentCreate, options: MoveOptions = {}): Promise<MoveResult> {
      if ((input.counted_quantity === undefined) === (input.quantity_delta === undefined)) throw new AppError('inventory.adjust_quantity_required');
      const replayed = await replay(ctx, input.idempotency_key, { item_id: input.item_id, types: ['adjust'] });
      if (replayed) return replayed;
      const org_id = orgOf(ctx);
      await requireWarehouse(ctx, input.warehouse_id);
      let delta = input.quantity_delta ?? 0;
      if (input.counted_quantity !== undefined) {
        // A count is compared with the balance row (created at 0 for the item's first count), so the item comes first;
        // a signed correction leaves the item's lookup to its leg.
        const item = await itemOf(ctx, input.item_id);
        const key = { org_id, warehouse_id: input.warehouse_id, item_id: item.item_id };
        await stock.ensure(ctx.db, [{ ...key, product_id: item.product_id, variant_id: item.variant_id }]);
        const current = await stock.get(ctx.db, key, true);
        delta = Math.round((input.counted_quantity - Number(current?.quantity ?? 0)) * 1000) / 1000;
      }
      if (delta === 0) throw new AppError('inventory.adjust_no_change');
      return write(ctx, input.item_id, [leg('adjust', input.warehouse_id, delta)], input, options);
    },

    /** REVERSAL: counter-movements for a movement (both legs of a transfer), once; the original is never edited. */
    async reverse(ctx: Ctx, movement_id: string, input: ReversalCreate, options: MoveOptions = {}): Promise<MoveResult> {
      const org_id = orgOf(ctx);
      const original = await movements.get(ctx.db, org_id, movement_id);
      if (!original) throw new AppError('inventory.movement_not_found');
      if (original.type === 'reversal') throw new AppError('inventory.cannot_reverse_reversal');
      const replayed = await replay(ctx, input.idempotency_key, { item_id: original.item_id, types: ['reversal'] });
      if (replayed) return replayed;
      const originals = original.transfer_id ? await movements.ofTransfer(ctx.db, org_id, original.transfer_id) : [original];
      if ((await movements.reversalOf(ctx.db, org_id, originals.map((o) => o.id))).size > 0) throw new AppError('inventory.already_reversed');
      const legs = originals.map((o) => leg('reversal', o.warehouse_id, -Number(o.quantity_delta), {
        reverses_movement_id: o.id, transfer_id: o.transfer_id, counter_warehouse_id: o.counter_warehouse_id,
      }));
      return write(ctx, original.item_id, legs, { reason: input.reason, reference_type: original.reference_type ?? undefined, reference_id: original.reference_id ?? undefined, idempotency_key: input.idempotency_key }, options);
    },

    async listMovements(ctx: Ctx, query: MovementQuery): Promise<MovementPage> {
      const org_id = orgOf(ctx);
      const { rows, total, total_capped } = await movements.list(ctx.db, org_id, query);
      const reversals = await movements.reversalOf(ctx.db, org_id, rows.map((r) => r.id));
      return { items: rows.map((r) => toMovementDto(r, reversals.get(r.id) ?? null)), total, total_capped };
    },

    async getMovement(ctx: Ctx, id: string): Promise<MovementDto> {
      const org_id = orgOf(ctx);
      const row = await movements.get(ctx.db, org_id, id);
      if (!row) throw new AppError('inventory.movement_not_found');
      return toMovementDto(row, (await movements.reversalOf(ctx.db, org_id, [id])).get(id) ?? null);
    },

    async listStock(ctx: Ctx, query: StockQuery): Promise<StockPage> {
      const { rows, total } = await stock.list(ctx.db, orgOf(ctx), query);
      return levelsPage(ctx, rows, total);
    },
    async lowStock(ctx: Ctx, query: StockListQuery): Promise<StockPage> {
      const { rows, total } = await stock.list(ctx.db, orgOf(ctx), { ...query, only: 'low' });
      return levelsPage(ctx, rows, total);
    },
    async negativeStock(ctx: Ctx, query: StockListQuery): Promise<StockPage> {
      const { rows, total } = await stock.list(ctx.db, orgOf(ctx), { ...query, only: 'negative' });
      return levelsPage(ctx, rows, total);
    },

    /** Balances of items in one warehouse (absent rows: 0), for the shop's cart and the station screen. */
    async quantities(ctx: Ctx, warehouse_id: string, item_ids: string[]): Promise<Map<string, number>> {
      const org_id = orgOf(ctx);
      const out = new Map<string, number>(item_ids.map((id) => [id, 0]));
      if (item_ids.length === 0) return out;
      const rows = await ctx.db.selectFrom('inventory.stock_level').select(['item_id', 'quantity']).where('org_id', '=', org_id)
        .where('warehouse_id', '=', warehouse_id).where('item_id', 'in', item_ids).execute();
      for (const r of rows) out.set(r.item_id as string, Number(r.quantity));
      return out;
    },

    /** The item's global minimum (null: none); every warehouse without its own minimum follows it. */
    async setItemMinimum(ctx: Ctx, item_id: string, body: MinimumBody): Promise<{ item_id: string; min_quantity: number | null }> {
      const org_id = orgOf(ctx);
      const item = await itemOf(ctx, item_id);
      const before = await stock.globalMinimum(ctx.db, org_id, item_id);
      await stock.setGlobalMinimum(ctx.db, org_id, item_id, item.product_id, body.min_quantity === null ? null : qty(body.min_quantity));
      const { rows } = await stock.list(ctx.db, org_id, { item_id, limit: 500, offset: 0 });
      for (const level of rows) await alertIfLow(ctx, level, item);
      await audit.record(ctx, { action: 'inventory.minimum.set', entity_type: 'inventory.item_minimum', entity_id: item_id, before: { min_quantity: num(before) }, after: body });
      return { item_id, min_quantity: body.min_quantity };
    },

    /** A warehouse's own minimum for the item (null: follow the global one). */
    async setWarehouseMinimum(ctx: Ctx, warehouse_id: string, item_id: string, body: MinimumBody): Promise<StockLevelDto> {
      const org_id = orgOf(ctx);
      const item = await itemOf(ctx, item_id);
      await requireWarehouse(ctx, warehouse_id);
      const key = { org_id, warehouse_id, item_id };
      await stock.ensure(ctx.db, [{ ...key, product_id: item.product_id, variant_id: item.variant_id }]);
      const before = await stock.get(ctx.db, key, true);
      const level = await stock.setOverride(ctx.db, key, body.min_quantity === null ? null : qty(body.min_quantity), await stock.globalMinimum(ctx.db, org_id, item_id));
      await alertIfLow(ctx, level, item);
      await audit.record(ctx, { action: 'inventory.minimum.set', entity_type: 'inventory.stock_level', entity_id: `${warehouse_id}:${item_id}`, before: { min_quantity_override: num(before?.min_quantity_override ?? null) }, after: body });
      return toStockDto((await stock.get(ctx.db, key)) ?? level, item);
    },

    /** Catalog hook: a stock row for every new item in the default warehouse (W2). */
    async onItemsCreated(ctx: Ctx, items: Array<{ item_id: string; product_id: string; variant_id: string | null }>): Promise<void> {
      const warehouse_id = await warehouses.defaultWarehouseId(ctx);
      if (!warehouse_id) return;
      const org_id = orgOf(ctx);
      await stock.ensure(ctx.db, items.map((i) => ({ org_id, warehouse_id, ...i })));
    },

    /** Catalog hook: an item with stock history cannot be deleted (deactivate it instead). */
    async onItemsDeleting(ctx: Ctx, items: Array<{ item_id: string }>): Promise<void> {
      const org_id = orgOf(ctx);
      const ids = items.map((i) => i.item_id);
      if (await stock.hasHistory(ctx.db, org_id, ids)) throw new AppError('inventory.item_has_movements');
      await stock.deleteOfItems(ctx.db, org_id, ids);
    },
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
