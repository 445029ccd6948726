import { sql } from 'kysely';
import { assert } from '@chaharsu/kit';
import { prepared, type Tx } from '@chaharsu/db';
import type { MovementRow, NewMovementRow, StockLevelRow } from './inventory.tables.js';

/** Kysely queries of the inventory schema: typed input, rows out, no rules. Every query filters by org_id. */
const LEVEL = 'inventory.stock_level';
const MOVEMENT = 'inventory.movement';
export const MOVEMENT_COUNT_CAP = 10_000;

/**
 * What inventory.apply_item_leg returns: the outcome; the item (absent when not found); for an applied leg the ledger
 * row's time and balance, the minimum and whether this leg crossed below it; for a short stock the balance available.
 */
export interface AppliedItemLeg {
  outcome: 'applied' | 'item_not_found' | 'item_needs_variant' | 'insufficient_stock';
  product_id: string | null; variant_id: string | null; code: string | null; name: string | null; unit: string | null; is_active: boolean | null;
  created_at: Date | null; quantity_after: string | null; min_quantity: string | null; low_alert: boolean | null; available: string | null;
}

/** A leg's ledger row before the item is known: the leg function takes product and variant from the catalog. */
export type NewLegRow = Omit<NewMovementRow, 'product_id' | 'variant_id' | 'quantity_after'>;

/** A leg as inventory.apply_units reads it. */
export interface UnitLeg extends NewLegRow {
  /** The leg's order in the batch, and its unit's index. */
  n: number; u: number;
  /** The function reads the signed quantity as `delta` (the row's other fields by their own names; `org_id` and `quantity_delta` are ignored). */
  delta: string;
  allow_negative: boolean;
}

/** One row of inventory.apply_units: a tried leg (as apply_item_leg answers), or one stored movement of a replayed unit. */
export interface AppliedUnitLeg extends Omit<AppliedItemLeg, 'outcome' | 'unit'> {
  unit: number;
  leg_id: string;
  outcome: AppliedItemLeg['outcome'] | 'replayed';
  unit_name: string | null;
  /** A replayed unit's stored movement (to_jsonb of the row: times as ISO text, quantities as numbers). */
  stored: Record<string, unknown> | null;
}

export interface ItemKey { org_id: string; warehouse_id: string; item_id: string; product_id: string; variant_id: string | null }

export const stockRepository = {
  /** Creates missing stock rows (quantity 0, the item's global minimum). */
  async ensure(db: Tx, keys: ItemKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const part = keys.slice(i, i + 1000);
      const values = sql.join(part.map((k) => sql`(${k.org_id}::uuid, ${k.warehouse_id}::uuid, ${k.item_id}::uuid, ${k.product_id}::uuid, ${k.variant_id}::uuid)`));
      await sql`insert into inventory.stock_level (org_id, warehouse_id, item_id, product_id, variant_id, min_quantity)
        select k.org_id, k.warehouse_id, k.item_id, k.product_id, k.variant_id, m.min_quantity
        from (values ${values}) as k (org_id, warehouse_id, item_id, product_id, variant_id)
        left join inventory.item_minimum m on m.org_id = k.org_id and m.item_id = k.item_id
        on conflict (org_id, warehouse_id, item_id) do nothing`.execute(db);
    }
  },

  /**
   * One leg in one round trip (inventory.apply_item_leg, migration T0800): looks the item up through the catalog,
   * locks the balance row, applies the delta only when the result stays >= 0 (unless `allow_negative`; then a
   * missing row is created first), appends the ledger row with the balance after it, and keeps the low-stock
   * mark (inventory.apply_leg). A refusal writes nothing and says why.
   */
  async applyItemLeg(db: Tx, row: NewLegRow, allow_negative: boolean): Promise<AppliedItemLeg> {
    const result = await sql<AppliedItemLeg>`${prepared('inventory_apply_item_leg')} select outcome, product_id, variant_id, code, name, unit, is_active,
      created_at, quantity_after, min_quantity, low_alert, available from inventory.apply_item_leg(
      ${row.org_id}::uuid, ${row.id}::uuid, ${row.type}::text, ${row.warehouse_id}::uuid, ${row.item_id}::uuid,
      ${row.quantity_delta}::numeric, ${allow_negative}::boolean, ${row.counter_warehouse_id}::uuid,
      ${row.transfer_id}::uuid, ${row.reverses_movement_id}::uuid, ${row.user_id}::uuid, ${row.employee_id}::uuid,
      ${row.actor_kind}::text, ${row.actor_id}::text, ${row.reason}::text, ${row.reference_type}::text, ${row.reference_id}::text,
      ${row.idempotency_key}::text)`.execute(db);
    const applied = result.rows[0];
    assert(applied, 'inventory.apply_item_leg answers every call with one row');
    return applied;
  },

  /**
   * A batch of units (one request's legs each) in one call (inventory.apply_units, migration T1000): one row per
   * leg that was tried, in order, or the stored rows of a unit whose idempotency key was used before. Legs are
   * passed as one JSON array (`u`: the unit's index; `n`: the leg's order).
   */
  async applyUnits(db: Tx, org_id: string, legs: UnitLeg[]): Promise<AppliedUnitLeg[]> {
    const result = await sql<AppliedUnitLeg>`${prepared('inventory_apply_units')} select unit, leg_id, outcome, product_id, variant_id, code, name,
      unit_name, is_active, created_at, quantity_after, min_quantity, low_alert, available, stored
      from inventory.apply_units(${org_id}::uuid, ${JSON.stringify(legs)}::jsonb)`.execute(db);
    return result.rows;
  },

  async get(db: Tx, key: { org_id: string; warehouse_id: string; item_id: string }, forUpdate = false): Promise<StockLevelRow | undefined> {
    let q = db.selectFrom(LEVEL).selectAll().where('org_id', '=', key.org_id).where('warehouse_id', '=', key.warehouse_id).where('item_id', '=', key.item_id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst() as Promise<StockLevelRow | undefined>;
  },

  async markLowNotified(db: Tx, key: { org_id: string; warehouse_id: string; item_id: string }): Promise<boolean> {
    const result = await db.updateTable(LEVEL).set({ low_notified_at: sql`now()` })
      .where('org_id', '=', key.org_id).where('warehouse_id', '=', key.warehouse_id).where('item_id', '=', key.item_id)
      .where('low_notified_at', 'is', null).where(sql<boolean>`is_low`).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  async list(db: Tx, org_id: string, filter: { warehouse_id?: string | undefined; product_id?: string | undefined; item_id?: string | undefined; only?: 'low' | 'negative'; limit: number; offset: number }): Promise<{ rows: StockLevelRow[]; total: number }> {
    let q = db.selectFrom(LEVEL).where('org_id', '=', org_id);
    if (filter.warehouse_id) q = q.where('warehouse_id', '=', filter.warehouse_id);
    if (filter.product_id) q = q.where('product_id', '=', filter.product_id);
    if (filter.item_id) q = q.where('item_id', '=', filter.item_id);
    // is_low / is_negative: stored flags (quantity < min_quantity, quantity < 0) that the partial indexes name.
    if (filter.only === 'low') q = q.where(sql<boolean>`is_low`);
    if (filter.only === 'negative') q = q.where(sql<boolean>`is_negative`);
    const { total } = await q.select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('warehouse_id').orderBy('item_id').limit(filter.limit).offset(filter.offset).execute();
    return { rows: rows as StockLevelRow[], total: Number(total) };
  },

  async setGlobalMinimum(db: Tx, org_id: string, item_id: string, product_id: string, min: string | null): Promise<void> {
    if (min === null) {
      await db.deleteFrom('inventory.item_minimum').where('org_id', '=', org_id).where('item_id', '=', item_id).execute();
    } else {
      await db.insertInto('inventory.item_minimum').values({ org_id, item_id, product_id, min_quantity: min })
        .onConflict((oc) => oc.columns(['org_id', 'item_id']).doUpdateSet({ min_quantity: min, updated_at: sql`now()` })).execute();
    }
    await db.updateTable(LEVEL).set({ min_quantity: sql`coalesce(min_quantity_override, ${min}::numeric)`, updated_at: sql`now()` })
      .where('org_id', '=', org_id).where('item_id', '=', item_id).execute();
  },

  async globalMinimum(db: Tx, org_id: string, item_id: string): Promise<string | null> {
    const row = await db.selectFrom('inventory.item_minimum').select('min_quantity').where('org_id', '=', org_id).where('item_id', '=', item_id).executeTakeFirst();
    return (row?.min_quantity as string | undefined) ?? null;
  },

  async setOverride(db: Tx, key: { org_id: string; warehouse_id: string; item_id: string }, min: string | null, global: string | null): Promise<StockLevelRow> {
    return db.updateTable(LEVEL).set({ min_quantity_override: min, min_quantity: min ?? global, updated_at: sql`now()` })
      .where('org_id', '=', key.org_id).where('warehouse_id', '=', key.warehouse_id).where('item_id', '=', key.item_id)
      .returningAll().executeTakeFirstOrThrow() as Promise<StockLevelRow>;
  },

  async hasHistory(db: Tx, org_id: string, item_ids: string[]): Promise<boolean> {
    if (item_ids.length === 0) return false;
    const row = await db.selectFrom(MOVEMENT).select('id').where('org_id', '=', org_id).where('item_id', 'in', item_ids).limit(1).executeTakeFirst();
    return !!row;
  },

  async deleteOfItems(db: Tx, org_id: string, item_ids: string[]): Promise<void> {
    if (item_ids.length === 0) return;
    await db.deleteFrom(LEVEL).where('org_id', '=', org_id).where('item_id', 'in', item_ids).where('movement_count', '=', 0n).execute();
    await db.deleteFrom('inventory.item_minimum').where('org_id', '=', org_id).where('item_id', 'in', item_ids).execute();
  },
};

export const movementRepository = {
  async get(db: Tx, org_id: string, id: string): Promise<MovementRow | undefined> {
    return db.selectFrom(MOVEMENT).selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<MovementRow | undefined>;
  },
  /** The legs of a transfer (not their reversals). */
  async ofTransfer(db: Tx, org_id: string, transfer_id: string): Promise<MovementRow[]> {
    return db.selectFrom(MOVEMENT).selectAll().where('org_id', '=', org_id).where('transfer_id', '=', transfer_id)
      .where('type', '<>', 'reversal').orderBy('id').execute() as Promise<MovementRow[]>;
  },
  /**
   * Waits for any other request carrying this idempotency key to finish (a transaction-scoped advisory lock),
   * then returns what the first of them wrote (both legs of a transfer or of its reversal); none: the key is new.
   */
  async claimIdempotencyKey(db: Tx, org_id: string, key: string): Promise<MovementRow[]> {
    const result = await sql<MovementRow>`${prepared('inventory_movements_by_key')} select * from inventory.movements_by_key(${org_id}::uuid, ${key}::text)`.execute(db);
    return result.rows;
  },
  async reversalOf(db: Tx, org_id: string, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await db.selectFrom(MOVEMENT).select(['id', 'reverses_movement_id']).where('org_id', '=', org_id).where('reverses_movement_id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.reverses_movement_id as string, r.id as string]));
  },
  async list(db: Tx, org_id: string, f: {
    product_id?: string | undefined; item_id?: string | undefined; warehouse_id?: string | undefined; user_id?: string | undefined; employee_id?: string | undefined;
    type?: string | undefined; reference_type?: string | undefined; reference_id?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number; offset: number;
  }): Promise<{ rows: MovementRow[]; total: number; total_capped: boolean }> {
    let q = db.selectFrom(MOVEMENT).where('org_id', '=', org_id);
    // A product's movements: its own (a product without variants is its item) and its variants'
    // (movement_product indexes only variant rows); the same rows as product_id = …, through the indexes.
    const product_id = f.product_id;
    if (product_id) q = q.where((eb) => eb.or([eb('item_id', '=', product_id), eb.and([eb('product_id', '=', product_id), eb('variant_id', 'is not', null)])]));
    if (f.item_id) q = q.where('item_id', '=', f.item_id);
    if (f.warehouse_id) q = q.where('warehouse_id', '=', f.warehouse_id);
    if (f.user_id) q = q.where('user_id', '=', f.user_id);
    if (f.employee_id) q = q.where('employee_id', '=', f.employee_id);
    if (f.type) q = q.where('type', '=', f.type);
    if (f.reference_type) q = q.where('reference_type', '=', f.reference_type);
    if (f.reference_id) q = q.where('reference_id', '=', f.reference_id);
    if (f.from) q = q.where('created_at', '>=', new Date(f.from));
    if (f.to) q = q.where('created_at', '<', new Date(f.to));
    // The ledger grows to millions of rows: count at most MOVEMENT_COUNT_CAP + 1 of them (the screen shows "10,000+").
    const counted = await db.selectFrom(q.select(sql`1`.as('one')).limit(MOVEMENT_COUNT_CAP + 1).as('capped'))
      .select(sql<string>`count(*)`.as('total')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute();
    const total = Number(counted.total);
    return { rows: rows as MovementRow[], total: Math.min(total, MOVEMENT_COUNT_CAP), total_capped: total > MOVEMENT_COUNT_CAP };
  },
};
