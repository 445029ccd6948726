import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import type { Db } from '@chaharsu/db';
import { createStockModules, asUser, type StockModules } from './testing/index.js';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
let m: StockModules;
const org = newId();
const operator = newId();
const admin = newId();
const manager = newId();
let main: string;
let shop: string;

const as = <T>(fn: Parameters<typeof asUser<T>>[3], user = operator) => asUser(db, org, user, fn);
const newProduct = (code: string, extra: Record<string, unknown> = {}) => as((ctx) => m.catalog.createProduct(ctx, { code, name: `کالا ${code}`, unit: 'عدد', ...extra }));

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  m = createStockModules();
  main = m.orgs.addWarehouse(org);
  shop = m.orgs.addWarehouse(org);
  m.orgs.setLowStockRecipients(org, [manager, admin]);
});
afterAll(async () => { await close(); await database.drop(); });

describe('stock levels', () => {
  it('exist for a new product in the default warehouse at once, and elsewhere from the first movement', async () => {
    const p = await newProduct('A-1');
    let levels = await as((ctx) => m.inventory.listStock(ctx, { item_id: p.id, limit: 50, offset: 0 }));
    expect(levels.items).toMatchObject([{ warehouse_id: main, quantity: 0, code: 'A-1', name: 'کالا A-1' }]);
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: shop, item_id: p.id, quantity: 2.5 }));
    levels = await as((ctx) => m.inventory.listStock(ctx, { item_id: p.id, limit: 50, offset: 0 }));
    expect(levels.items.map((l) => [l.warehouse_id, l.quantity]).sort()).toEqual([[main, 0], [shop, 2.5]].sort());
  });

  it('keeps stock per variant; the product with variants itself cannot be moved', async () => {
    const p = await newProduct('V-1', { variants: [{ sku: 'V-1-R', name: 'قرمز' }, { sku: 'V-1-B', name: 'آبی' }] });
    const [red] = p.variants;
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: red?.id ?? '', quantity: 3 }));
    const levels = await as((ctx) => m.inventory.listStock(ctx, { product_id: p.id, limit: 50, offset: 0 }));
    expect(levels.items.map((l) => [l.code, l.quantity]).sort()).toEqual([['V-1-B', 0], ['V-1-R', 3]]);
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 1 }))).rejects.toMatchObject({ code: 'inventory.item_needs_variant' });
  });

  it('lists a product\'s history with every variant\'s movements, and a plain product\'s own, nobody else\'s', async () => {
    const shirt = await newProduct('PH-1', { variants: [{ sku: 'PH-1-S', name: 'کوچک' }, { sku: 'PH-1-L', name: 'بزرگ' }] });
    const plain = await newProduct('PH-2');
    const [small, large] = shirt.variants;
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: small?.id ?? '', quantity: 2 }));
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: shop, item_id: large?.id ?? '', quantity: 5 }));
    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: small?.id ?? '', quantity: 1 }));
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: plain.id, quantity: 7 }));
    const ofShirt = await as((ctx) => m.inventory.listMovements(ctx, { product_id: shirt.id, limit: 50, offset: 0 }));
    expect(ofShirt.total).toBe(3);
    expect(ofShirt.items.map((i) => [i.item_id, i.quantity_delta])).toEqual([[small?.id, -1], [large?.id, 5], [small?.id, 2]]);
    const ofPlain = await as((ctx) => m.inventory.listMovements(ctx, { product_id: plain.id, limit: 50, offset: 0 }));
    expect(ofPlain.items.map((i) => [i.item_id, i.quantity_delta])).toEqual([[plain.id, 7]]);
  });
});

describe('movements', () => {
  it('refuses an issue larger than the stock and says how much there is', async () => {
    const p = await newProduct('B-1');
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 5 }));
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: p.id, quantity: 6 })))
      .rejects.toMatchObject({ code: 'inventory.insufficient_stock', params: { available: 5, requested: 6 } });
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: shop, item_id: p.id, quantity: 1 })))
      .rejects.toMatchObject({ code: 'inventory.insufficient_stock', params: { available: 0 } });
    const out = await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: p.id, quantity: 5, reason: 'فروش', reference_type: 'invoice', reference_id: 'INV-9' }));
    expect(out.movements).toMatchObject([{ type: 'out', quantity_delta: -5, quantity_after: 0, user_id: operator, reference_type: 'invoice', reference_id: 'INV-9' }]);
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: newId(), item_id: p.id, quantity: 1 }))).rejects.toMatchObject({ code: 'inventory.warehouse_not_found' });
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: newId(), quantity: 1 }))).rejects.toMatchObject({ code: 'inventory.item_not_found' });
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 1.0005 }))).rejects.toMatchObject({ code: 'common.validation_failed' });
  });

  it('transfers in two legs of one transaction, records the employee, and reverses both legs together once', async () => {
    const p = await newProduct('T-1');
    const employee = newId();
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 10 }));
    const transfer = await as((ctx) => m.inventory.move(ctx, { type: 'transfer', from_warehouse_id: main, to_warehouse_id: shop, item_id: p.id, quantity: 4 }, { employee_id: employee }));
    expect(transfer.movements).toMatchObject([
      { type: 'transfer_out', warehouse_id: main, quantity_delta: -4, quantity_after: 6, counter_warehouse_id: shop, employee_id: employee },
      { type: 'transfer_in', warehouse_id: shop, quantity_delta: 4, quantity_after: 4, counter_warehouse_id: main, employee_id: employee },
    ]);
    const [outLeg, inLeg] = transfer.movements;
    expect(inLeg?.transfer_id).toBe(outLeg?.id);
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'transfer', from_warehouse_id: shop, to_warehouse_id: main, item_id: p.id, quantity: 5 })))
      .rejects.toMatchObject({ code: 'inventory.insufficient_stock' });

    const reversal = await as((ctx) => m.inventory.reverse(ctx, inLeg?.id ?? '', { reason: 'انتقال اشتباه' }), admin);
    expect(reversal.movements.map((r) => [r.type, r.warehouse_id, r.quantity_delta, r.reverses_movement_id])).toEqual([
      ['reversal', main, 4, outLeg?.id], ['reversal', shop, -4, inLeg?.id],
    ]);
    const history = await as((ctx) => m.inventory.listMovements(ctx, { product_id: p.id, limit: 50, offset: 0 }));
    const original = history.items.find((h) => h.id === outLeg?.id);
    expect(original).toMatchObject({ quantity_delta: -4, reversed_by_movement_id: reversal.movements[0]?.id });
    await expect(as((ctx) => m.inventory.reverse(ctx, outLeg?.id ?? '', { reason: 'دوباره' }), admin)).rejects.toMatchObject({ code: 'inventory.already_reversed' });
    await expect(as((ctx) => m.inventory.reverse(ctx, reversal.movements[0]?.id ?? '', { reason: 'x' }), admin)).rejects.toMatchObject({ code: 'inventory.cannot_reverse_reversal' });
    const levels = await as((ctx) => m.inventory.listStock(ctx, { item_id: p.id, limit: 50, offset: 0 }));
    expect(levels.items.map((l) => [l.warehouse_id, l.quantity]).sort()).toEqual([[main, 10], [shop, 0]].sort());
  });

  it('refuses reversing a receipt whose goods have already been issued', async () => {
    const p = await newProduct('R-1');
    const receipt = await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 3 }));
    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: p.id, quantity: 2 }));
    await expect(as((ctx) => m.inventory.reverse(ctx, receipt.movements[0]?.id ?? '', { reason: 'x' }), admin)).rejects.toMatchObject({ code: 'inventory.insufficient_stock' });
  });

  it('returns the first result for a retried request with the same idempotency key', async () => {
    const p = await newProduct('I-1');
    const first = await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 7, idempotency_key: 'receipt-0001' }));
    const again = await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 7, idempotency_key: 'receipt-0001' }));
    expect(again).toEqual({ movements: first.movements, replayed: true });
    await expect(as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: p.id, quantity: 1, idempotency_key: 'receipt-0001' })))
      .rejects.toMatchObject({ code: 'inventory.idempotency_key_reused' });
    const levels = await as((ctx) => m.inventory.listStock(ctx, { item_id: p.id, warehouse_id: main, limit: 50, offset: 0 }));
    expect(levels.items[0]?.quantity).toBe(7);
  });

  it('replays both legs of a transfer and of its reversal, and lets one of two simultaneous requests with a key write', async () => {
    const p = await newProduct('I-2');
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 10 }));
    const transfer = { type: 'transfer' as const, from_warehouse_id: main, to_warehouse_id: shop, item_id: p.id, quantity: 4, idempotency_key: 'transfer-0001' };
    // Two requests with the same key at once (two connections): one writes, the other waits for it and replays.
    const [a, b] = await Promise.all([as((ctx) => m.inventory.move(ctx, transfer)), as((ctx) => m.inventory.move(ctx, transfer))]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(a.movements.map((x) => x.id)).toEqual(b.movements.map((x) => x.id));
    expect(a.movements.map((x) => x.type).sort()).toEqual(['transfer_in', 'transfer_out']);
    const out = a.movements.find((x) => x.type === 'transfer_out');
    const undo = { reason: 'اشتباه', idempotency_key: 'undo-transfer-0001' };
    const reversed = await as((ctx) => m.inventory.reverse(ctx, out?.id ?? '', undo), admin);
    const replayed = await as((ctx) => m.inventory.reverse(ctx, out?.id ?? '', undo), admin);
    expect(reversed.movements).toHaveLength(2);
    expect(replayed).toEqual({ movements: reversed.movements, replayed: true });
    const levels = await as((ctx) => m.inventory.listStock(ctx, { item_id: p.id, limit: 50, offset: 0 }));
    expect(levels.items.map((l) => [l.warehouse_id, l.quantity]).sort()).toEqual([[main, 10], [shop, 0]].sort());
  });

  it('records a stock count as the difference to the balance', async () => {
    const p = await newProduct('C-1');
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 10 }));
    const count = await as((ctx) => m.inventory.adjust(ctx, { warehouse_id: main, item_id: p.id, counted_quantity: 8.25, reason: 'انبارگردانی' }));
    expect(count.movements).toMatchObject([{ type: 'adjust', quantity_delta: -1.75, quantity_after: 8.25, reason: 'انبارگردانی' }]);
    await expect(as((ctx) => m.inventory.adjust(ctx, { warehouse_id: main, item_id: p.id, counted_quantity: 8.25, reason: 'دوباره' }))).rejects.toMatchObject({ code: 'inventory.adjust_no_change' });
  });

  it('filters history by product, user, employee, type and date range', async () => {
    const p = await newProduct('H-1');
    const employee = newId();
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 4 }), admin);
    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 }, { employee_id: employee }));
    const q = { product_id: p.id, limit: 50, offset: 0 };
    expect((await as((ctx) => m.inventory.listMovements(ctx, q))).total).toBe(2);
    expect((await as((ctx) => m.inventory.listMovements(ctx, { ...q, user_id: admin }))).items.map((i) => i.type)).toEqual(['in']);
    expect((await as((ctx) => m.inventory.listMovements(ctx, { ...q, employee_id: employee }))).items.map((i) => i.type)).toEqual(['out']);
    expect((await as((ctx) => m.inventory.listMovements(ctx, { ...q, type: 'out' }))).total).toBe(1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await as((ctx) => m.inventory.listMovements(ctx, { ...q, from: future }))).total).toBe(0);
  });

  it('is an append-only ledger: the application role cannot change or delete a movement', async () => {
    const p = await newProduct('L-1');
    const moved = await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 1 }));
    const id = moved.movements[0]?.id ?? '';
    await expect(as((ctx) => sql`update inventory.movement set quantity_delta = 100 where id = ${id}`.execute(ctx.db))).rejects.toMatchObject({ code: '42501' });
    await expect(as((ctx) => sql`delete from inventory.movement where id = ${id}`.execute(ctx.db))).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses deleting a product that has stock history', async () => {
    const p = await newProduct('X-1');
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 1 }));
    await expect(as((ctx) => m.catalog.deleteProduct(ctx, p.id))).rejects.toMatchObject({ code: 'inventory.item_has_movements' });
    const unused = await newProduct('X-2');
    await as((ctx) => m.catalog.deleteProduct(ctx, unused.id));
    expect((await as((ctx) => m.inventory.listStock(ctx, { item_id: unused.id, limit: 50, offset: 0 }))).total).toBe(0);
  });
});

describe('minimum stock and alerts', () => {
  it('lists low stock by the warehouse minimum over the global one, and tells the people responsible once while it stays low', async () => {
    const p = await newProduct('MIN-1');
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: 10 }));
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: shop, item_id: p.id, quantity: 10 }));
    await as((ctx) => m.inventory.setItemMinimum(ctx, p.id, { min_quantity: 5 }), admin);
    await as((ctx) => m.inventory.setWarehouseMinimum(ctx, shop, p.id, { min_quantity: 8 }), admin);
    const low = async () => (await as((ctx) => m.inventory.lowStock(ctx, { limit: 50, offset: 0 }))).items.filter((i) => i.item_id === p.id).map((i) => [i.warehouse_id, i.quantity, i.min_quantity]);
    expect(await low()).toEqual([]);

    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: shop, item_id: p.id, quantity: 3 }));
    expect(await low()).toEqual([[shop, 7, 8]]);
    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: shop, item_id: p.id, quantity: 1 }));
    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: p.id, quantity: 6 }));
    expect((await low()).sort()).toEqual([[main, 4, 5], [shop, 6, 8]].sort());

    const inbox = async (user: string) => (await asUser(db, null, user, (ctx) => m.notify.listMine(ctx, { unread_only: false, limit: 50, offset: 0 }))).items
      .filter((n) => n.kind === 'inventory.low_stock' && n.params.code === 'MIN-1');
    // One per warehouse that fell below, not one per movement.
    expect((await inbox(manager)).map((n) => n.params.warehouse_id).sort()).toEqual([main, shop].sort());
    expect(await inbox(admin)).toHaveLength(2);

    // Back above the minimum, then below again: a new alert.
    await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: shop, item_id: p.id, quantity: 5 }));
    expect(await low()).toEqual([[main, 4, 5]]);
    for (const n of await inbox(manager)) await asUser(db, null, manager, (ctx) => m.notify.markRead(ctx, n.id));
    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: shop, item_id: p.id, quantity: 4 }));
    const after = await inbox(manager);
    expect(after.filter((n) => n.read_at === null).map((n) => n.params.warehouse_id)).toEqual([shop]);
  });

  it('lists negative balances (sales recorded elsewhere without stock)', async () => {
    const p = await newProduct('NEG-1');
    await as((ctx) => m.inventory.move(ctx, { type: 'out', warehouse_id: main, item_id: p.id, quantity: 2, reference_type: 'pos_sale' }, { allow_negative: true }));
    const negative = await as((ctx) => m.inventory.negativeStock(ctx, { limit: 50, offset: 0 }));
    expect(negative.items.filter((i) => i.item_id === p.id).map((i) => i.quantity)).toEqual([-2]);
  });
});
