/**
 * The movement lane (decision 0012): concurrent requests' movements written in shared transactions, each request
 * answered on its own. What an operator would notice: the right movements and refusals, balances equal to their
 * ledgers, replays that move nothing, the rows a caller adds committed exactly with its movement.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import { AppError, newId } from '@chaharsu/kit';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import type { Db } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import { createStockModules, asUser, userContext, type StockModules } from './testing/index.js';
import type { MovementCreate, MoveResult } from './inventory.contracts.js';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
let m: StockModules;
const org = newId();
const operator = newId();
const manager = newId();
let main: string;
let shop: string;

const as = <T>(fn: Parameters<typeof asUser<T>>[3]) => asUser(db, org, operator, fn);
const submit = (input: MovementCreate, options: Parameters<StockModules['inventory']['submitMove']>[2] = {}) => m.inventory.submitMove(userContext(org, operator), input, options);
const newProduct = async (code: string, stock: number, extra: Record<string, unknown> = {}) => {
  const p = await as((ctx) => m.catalog.createProduct(ctx, { code, name: `کالا ${code}`, unit: 'عدد', ...extra }));
  if (stock > 0) await as((ctx) => m.inventory.move(ctx, { type: 'in', warehouse_id: main, item_id: p.id, quantity: stock }));
  return p;
};
/** Settles every promise: the answer or the error's code. */
const outcomes = (all: Array<Promise<MoveResult>>) => Promise.all(all.map((p) => p.then(
  (r) => ({ ok: r }),
  (e: unknown) => ({ code: e instanceof AppError ? e.code : String(e), params: e instanceof AppError ? e.params : {} }),
)));

async function ledger(item_id: string): Promise<Array<{ warehouse_id: string; quantity: string; sum: string; movements: string; transactions: string }>> {
  const auditor = openTestDb(database.superuser_url, 1);
  try {
    const result = await sql<{ warehouse_id: string; quantity: string; sum: string; movements: string; transactions: string }>`
      select s.warehouse_id, s.quantity::text, coalesce(sum(mv.quantity_delta), 0)::text as sum, count(mv.id)::text as movements,
        count(distinct mv.created_at)::text as transactions
      from inventory.stock_level s left join inventory.movement mv on mv.org_id = s.org_id and mv.warehouse_id = s.warehouse_id and mv.item_id = s.item_id
      where s.org_id = ${org} and s.item_id = ${item_id} group by s.warehouse_id, s.quantity order by s.warehouse_id`.execute(auditor.db);
    return result.rows;
  } finally {
    await auditor.close();
  }
}

/** The movements' audit records by movement id: who, from which request, and the legs recorded. */
async function auditedMovements(): Promise<Map<string, { action: string; actor_kind: string; actor_id: string; request_id: string; ip: string; after: Array<{ id: string; quantity_delta: number }> }>> {
  const auditor = openTestDb(database.superuser_url, 1);
  try {
    const rows = await sql<{ entity_id: string; action: string; actor_kind: string; actor_id: string; request_id: string; ip: string; after: Array<{ id: string; quantity_delta: number }> }>`
      select entity_id, action, actor_kind, actor_id, request_id, host(ip) as ip, after from audit.audit_log where org_id = ${org} and action like 'inventory.movement.%'`.execute(auditor.db);
    return new Map(rows.rows.map((r) => [r.entity_id, r]));
  } finally {
    await auditor.close();
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url, 6));
  m = createStockModules(undefined, { db });
  main = m.orgs.addWarehouse(org);
  shop = m.orgs.addWarehouse(org);
  m.orgs.setLowStockRecipients(org, [manager]);
});
afterAll(async () => { await close(); await database.drop(); });

describe('movement lane', () => {
  it('issues exactly the stock there is to twenty operators at once, in a few shared transactions', async () => {
    const p = await newProduct('L-1', 12);
    const results = await outcomes(Array.from({ length: 20 }, () => submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 })));
    const issued = results.filter((r) => 'ok' in r);
    expect(issued).toHaveLength(12);
    // The others are told what is left. (Two batches in flight may take their locks in either order, so which
    // requests get the stock is not fixed, as with any simultaneous requests.)
    for (const r of results) if (!('ok' in r)) expect(r).toMatchObject({ code: 'inventory.insufficient_stock', params: { available: 0, requested: 1, code: 'L-1' } });
    expect(issued.map((r) => ('ok' in r ? r.ok.movements[0]?.quantity_after ?? -1 : -1)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const [level] = await ledger(p.id);
    expect(level).toMatchObject({ quantity: '0.000', sum: '0.000', movements: '13' });
    // 12 stock-outs (+ the receipt) in far fewer transactions than movements: they shared commits.
    expect(Number(level?.transactions)).toBeLessThanOrEqual(1 + 4);
    // One audit record per movement, each with its own request's actor, address and request id.
    const audited = await auditedMovements();
    const requestIds = new Set<string>();
    for (const r of issued) {
      if (!('ok' in r)) continue;
      const movement = r.ok.movements[0];
      const record = audited.get(movement?.id ?? '');
      expect(record).toMatchObject({ action: 'inventory.movement.out', actor_kind: 'user', actor_id: operator, ip: '127.0.0.1', after: [{ id: movement?.id, quantity_delta: -1 }] });
      requestIds.add(record?.request_id ?? '');
    }
    expect(requestIds.size).toBe(12);
  });

  it('refuses one unit of a batch on its own and commits its neighbours', async () => {
    const plain = await newProduct('L-2', 5);
    const withVariants = await as((ctx) => m.catalog.createProduct(ctx, { code: 'L-3', name: 'کالای رنگی', unit: 'عدد', variants: [{ sku: 'L-3-R', name: 'قرمز' }] }));
    const results = await outcomes([
      submit({ type: 'out', warehouse_id: main, item_id: plain.id, quantity: 2 }),
      submit({ type: 'out', warehouse_id: main, item_id: newId(), quantity: 1 }),
      submit({ type: 'in', warehouse_id: newId(), item_id: plain.id, quantity: 1 }),
      submit({ type: 'in', warehouse_id: main, item_id: withVariants.id, quantity: 1 }),
      submit({ type: 'out', warehouse_id: main, item_id: plain.id, quantity: 9 }),
      submit({ type: 'transfer', from_warehouse_id: main, to_warehouse_id: main, item_id: plain.id, quantity: 1 }),
      submit({ type: 'transfer', from_warehouse_id: main, to_warehouse_id: shop, item_id: plain.id, quantity: 2 }),
      submit({ type: 'out', warehouse_id: main, item_id: plain.id, quantity: 1 }),
    ]);
    expect(results.map((r) => ('ok' in r ? 'ok' : r.code))).toEqual([
      'ok', 'inventory.item_not_found', 'inventory.warehouse_not_found', 'inventory.item_needs_variant', 'inventory.insufficient_stock',
      'inventory.transfer_same_warehouse', 'ok', 'ok',
    ]);
    expect(results[4]).toMatchObject({ params: { available: 3, requested: 9 } });
    const transfer = results[6];
    expect(transfer && 'ok' in transfer ? transfer.ok.movements.map((x) => [x.type, x.warehouse_id, x.quantity_delta]) : null)
      .toEqual([['transfer_out', main, -2], ['transfer_in', shop, 2]]);
    const levels = await ledger(plain.id);
    expect(levels.map((l) => [l.warehouse_id, l.quantity, l.sum]).sort()).toEqual([[main, '0.000', '0.000'], [shop, '2.000', '2.000']].sort());
  });

  it('writes neither leg of a transfer that finds too little stock', async () => {
    const p = await newProduct('L-4', 1);
    const results = await outcomes([
      submit({ type: 'transfer', from_warehouse_id: main, to_warehouse_id: shop, item_id: p.id, quantity: 2 }),
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 }),
    ]);
    expect(results.map((r) => ('ok' in r ? 'ok' : r.code))).toEqual(['inventory.insufficient_stock', 'ok']);
    const levels = await ledger(p.id);
    expect(levels.map((l) => [l.warehouse_id, l.quantity, l.movements])).toEqual([[main, '0.000', '2']]);
  });

  it('replays a key used twice in one batch and in a later one, and refuses it for another movement', async () => {
    const p = await newProduct('L-5', 10);
    const out = { type: 'out' as const, warehouse_id: main, item_id: p.id, quantity: 3, idempotency_key: 'lane-out-0001' };
    const [a, b] = await Promise.all([submit(out), submit(out)]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(a.movements).toEqual(b.movements);
    const later = await submit(out);
    expect(later).toEqual({ movements: a.movements, replayed: true });
    // The unbatched path sees the same key the same way.
    expect(await as((ctx) => m.inventory.move(ctx, out))).toEqual({ movements: a.movements, replayed: true });
    await expect(submit({ ...out, type: 'in' })).rejects.toMatchObject({ code: 'inventory.idempotency_key_reused' });
    const transfer = { type: 'transfer' as const, from_warehouse_id: main, to_warehouse_id: shop, item_id: p.id, quantity: 1, idempotency_key: 'lane-transfer-0001' };
    const first = await submit(transfer);
    expect(await submit(transfer)).toEqual({ movements: first.movements, replayed: true });
    const levels = await ledger(p.id);
    expect(levels.map((l) => [l.warehouse_id, l.quantity, l.sum]).sort()).toEqual([[main, '6.000', '6.000'], [shop, '1.000', '1.000']].sort());
  });

  it('commits the caller\'s own rows with the movement, and only with it', async () => {
    const owner = openTestDb(database.superuser_url, 1);
    await sql`create table if not exists public.lane_link (movement_id uuid primary key, note text not null); grant select, insert on public.lane_link to public`.execute(owner.db);
    await owner.close();
    const p = await newProduct('L-6', 2);
    const link = (note: string) => ({ after: async (ctx: Ctx, result: MoveResult) => {
      for (const mv of result.movements) await sql`insert into public.lane_link (movement_id, note) values (${mv.id}::uuid, ${note})`.execute(ctx.db);
    } });
    const results = await outcomes([
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 }, link('first')),
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 5 }, link('refused')),
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 }, link('second')),
    ]);
    expect(results.map((r) => ('ok' in r ? 'ok' : r.code))).toEqual(['ok', 'inventory.insufficient_stock', 'ok']);
    const links = await sql<{ movement_id: string; note: string }>`select movement_id, note from public.lane_link`.execute(db);
    const ids = results.flatMap((r) => ('ok' in r ? r.ok.movements.map((x) => x.id) : []));
    expect(links.rows.map((r) => [r.movement_id, r.note]).sort()).toEqual([[ids[0], 'first'], [ids[1], 'second']].sort());
  });

  it('runs every unit on its own when a batch fails, so one failing caller does not refuse the others', async () => {
    const p = await newProduct('L-7', 10);
    const failing = { after: async () => { throw new AppError('inventory.adjust_no_change'); } };
    const results = await outcomes([
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 }),
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 2 }, failing),
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 3 }),
      submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 4 }),
    ]);
    expect(results.map((r) => ('ok' in r ? 'ok' : r.code))).toEqual(['ok', 'inventory.adjust_no_change', 'ok', 'ok']);
    // Each of the others was written exactly once (the failed batch left nothing behind): 10 - 1 - 3 - 4 = 2.
    const [level] = await ledger(p.id);
    expect(level).toMatchObject({ quantity: '2.000', sum: '2.000', movements: '4' });
  });

  it('asks a caller\'s check once for the batch and refuses only the units it names', async () => {
    const p = await newProduct('L-9', 10);
    const asked: string[][] = [];
    const run = async (_ctx: Ctx, ids: string[]) => {
      asked.push([...ids].sort());
      return new Map(ids.filter((id) => id === 'blocked').map((id) => [id, new AppError('inventory.adjust_no_change')]));
    };
    const results = await outcomes(['ok-1', 'blocked', 'ok-2', 'ok-1'].map((id) => submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 }, { check: { key: 'test.rule', id, run } })));
    expect(results.map((r) => ('ok' in r ? 'ok' : r.code))).toEqual(['ok', 'inventory.adjust_no_change', 'ok', 'ok']);
    // One call per batch (four requests at once: one or two batches), each id once per call.
    expect(asked.length).toBeLessThanOrEqual(2);
    for (const ids of asked) expect(new Set(ids).size).toBe(ids.length);
    expect(asked.flat().filter((id) => id === 'blocked')).toHaveLength(1);
    const [level] = await ledger(p.id);
    expect(level).toMatchObject({ quantity: '7.000', sum: '7.000' });
  });

  it('answers inventory.busy beyond the queue\'s bound, and writes the queued movements once the way is free', async () => {
    const small = createStockModules(m.orgs, { db, movement_lane: { max_batch: 2, max_queued: 3 } });
    const p = await newProduct('L-10', 10);
    // Another connection holds the stock row, as a long transaction would: the lane's batch waits behind it.
    const holder = openTestDb(database.superuser_url, 1);
    let release = (): void => {};
    let locked = (): void => {};
    const isLocked = new Promise<void>((resolve) => { locked = resolve; });
    const holding = holder.db.transaction().execute(async (trx) => {
      await sql`select 1 from inventory.stock_level where org_id = ${org} and item_id = ${p.id} for update`.execute(trx);
      locked();
      await new Promise<void>((resolve) => { release = resolve; });
    });
    await isLocked;
    const answered: string[] = [];
    const pending = Array.from({ length: 5 }, (_, i) => small.inventory.submitMove(userContext(org, operator), { type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 })
      .then(() => { answered.push(`ok-${i}`); return 'ok'; }, (e: unknown) => { answered.push(`refused-${i}`); return e instanceof AppError ? e.code : String(e); }));
    // Three wait in the queue; the two beyond its bound are told at once to retry later.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered.sort()).toEqual(['refused-3', 'refused-4']);
    release();
    await holding;
    await holder.close();
    expect(await Promise.all(pending)).toEqual(['ok', 'ok', 'ok', 'inventory.busy', 'inventory.busy']);
    const [level] = await ledger(p.id);
    expect(level).toMatchObject({ quantity: '7.000', sum: '7.000', movements: '4' });
  });

  it('tells the people responsible once when two units of a batch take a balance below its minimum', async () => {
    const p = await newProduct('L-8', 10);
    await as((ctx) => m.inventory.setItemMinimum(ctx, p.id, { min_quantity: 5 }));
    await Promise.all(Array.from({ length: 8 }, () => submit({ type: 'out', warehouse_id: main, item_id: p.id, quantity: 1 })));
    const inbox = (await asUser(db, null, manager, (ctx) => m.notify.listMine(ctx, { unread_only: false, limit: 50, offset: 0 }))).items
      .filter((n) => n.kind === 'inventory.low_stock' && n.params.code === 'L-8');
    expect(inbox).toHaveLength(1);
    const low = await as((ctx) => m.inventory.lowStock(ctx, { limit: 50, offset: 0 }));
    expect(low.items.find((l) => l.item_id === p.id)).toMatchObject({ quantity: 2, min_quantity: 5 });
  });
});
