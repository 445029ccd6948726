/**
 * Concurrency proven with several OS processes (child_process.fork) against one PostgreSQL database:
 * many operators issuing the same item never drive stock below zero, and after a storm of mixed
 * movements every balance still equals the sum of its movements — each movement in its own transaction,
 * and through the movement lane (several operators per process grouped into shared transactions, beside
 * adjustments and reversals in their own).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { newId } from '@chaharsu/kit';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import type { Db } from '@chaharsu/db';
import { createStockModules, asUser, type StockModules } from './testing/index.js';
import type { MoveJob, MoveReport } from './testing/move-worker.js';

const WORKER = fileURLToPath(new URL('./testing/move-worker.ts', import.meta.url));
const PROCESSES = 4;

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
let m: StockModules;
const org = newId();
const user = newId();
let warehouses: string[];

function runWorker(job: MoveJob): Promise<MoveReport> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [JSON.stringify(job)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let report: MoveReport | null = null;
    child.on('message', (message) => { report = message as MoveReport; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && report ? resolve(report) : reject(new Error(`worker exited with ${code}`))));
  });
}

async function ledgerCheck(item_id: string): Promise<Array<{ warehouse_id: string; quantity: string; ledger: string | null; movement_count: string; rows: string }>> {
  // As the superuser: sees every row whatever the row-level-security scope, like an auditor would.
  const auditor = openTestDb(database.superuser_url, 1);
  try {
    const result = await sql<{ warehouse_id: string; quantity: string; ledger: string | null; movement_count: string; rows: string }>`
      select s.warehouse_id, s.quantity::text, (select sum(quantity_delta) from inventory.movement mv
        where mv.org_id = s.org_id and mv.warehouse_id = s.warehouse_id and mv.item_id = s.item_id)::text as ledger,
        s.movement_count::text, (select count(*) from inventory.movement mv where mv.org_id = s.org_id and mv.warehouse_id = s.warehouse_id and mv.item_id = s.item_id)::text as rows
      from inventory.stock_level s where s.org_id = ${org} and s.item_id = ${item_id}`.execute(auditor.db);
    return result.rows;
  } finally {
    await auditor.close();
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  m = createStockModules();
  warehouses = [m.orgs.addWarehouse(org), m.orgs.addWarehouse(org), m.orgs.addWarehouse(org)];
});
afterAll(async () => { await close(); await database.drop(); });

/** Several processes issue one item with this much stock until each has tried `operations` times: exactly the stock is issued. */
async function raceFor(code: string, stock: number, operations: number, lane?: MoveJob['lane']): Promise<void> {
  const item = await asUser(db, org, user, async (ctx) => {
    const p = await m.catalog.createProduct(ctx, { code, name: `کالای پرتقاضا ${code}`, unit: 'عدد' });
    await m.inventory.move(ctx, { type: 'in', warehouse_id: warehouses[0], item_id: p.id, quantity: stock });
    return p.id;
  });
  const reports = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker({
    url: database.app_url, org_id: org, user_id: user, item_id: item, warehouse_ids: [warehouses[0] as string], operations, mode: 'out', seed: (lane ? 50 : 1) + i,
    ...(lane ? { lane } : {}),
  })));
  expect(reports.reduce((sum, r) => sum + r.ok, 0)).toBe(stock);
  expect(reports.reduce((sum, r) => sum + (r.refused['inventory.insufficient_stock'] ?? 0), 0)).toBe(PROCESSES * operations - stock);
  const [level] = await ledgerCheck(item);
  expect(level).toMatchObject({ quantity: '0.000', ledger: '0.000', rows: String(stock + 1) });
}

/**
 * Several processes move one item in three warehouses at random: afterwards every balance equals its movements.
 * `seed` also names the transfers' idempotency keys (one organisation: each run needs its own).
 */
async function mixedTraffic(code: string, operations: number, seed: number, lane?: MoveJob['lane']): Promise<MoveReport[]> {
  const item = await asUser(db, org, user, async (ctx) => {
    const p = await m.catalog.createProduct(ctx, { code, name: `کالای پرگردش ${code}`, unit: 'کیلوگرم' });
    for (const w of warehouses) await m.inventory.move(ctx, { type: 'in', warehouse_id: w, item_id: p.id, quantity: 10 });
    return p.id;
  });
  const reports = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker({
    url: database.app_url, org_id: org, user_id: user, item_id: item, warehouse_ids: warehouses, operations, mode: 'mixed', seed: seed + i,
    ...(lane ? { lane } : {}),
  })));
  expect(reports.reduce((sum, r) => sum + r.ok, 0)).toBeGreaterThan(0);
  const levels = await ledgerCheck(item);
  expect(levels).toHaveLength(3);
  for (const level of levels) {
    expect(level.quantity).toBe(level.ledger);
    expect(level.movement_count).toBe(level.rows);
    expect(Number(level.quantity)).toBeGreaterThanOrEqual(0);
  }
  const auditor = openTestDb(database.superuser_url, 1);
  const types = await sql<{ type: string }>`select distinct type from inventory.movement where org_id = ${org} and item_id = ${item}`.execute(auditor.db);
  await auditor.close();
  expect(types.rows.map((r) => r.type).sort()).toEqual(['adjust', 'in', 'out', 'reversal', 'transfer_in', 'transfer_out']);
  // Every refusal is an expected business outcome, never a crash.
  const codes = new Set(reports.flatMap((r) => Object.keys(r.refused)));
  for (const c of codes) expect(['inventory.insufficient_stock', 'inventory.already_reversed', 'inventory.cannot_reverse_reversal']).toContain(c);
  return reports;
}

describe('stock under concurrent operators (separate processes)', () => {
  it('issues exactly the stock there is when many operators take the same item at once', () => raceFor('RACE-1', 60, 25));

  it('issues exactly the stock there is through the movement lane, eight operators in each process', () => raceFor('RACE-2', 90, 40, { operators: 8 }));

  it('keeps every balance equal to the sum of its movements after mixed in/out/transfer/adjust/reversal traffic', () => mixedTraffic('MIX-1', 40, 100));

  it('keeps every balance equal to the sum of its movements after mixed traffic through the movement lane and beside it', async () => {
    const reports = await mixedTraffic('MIX-2', 120, 200, { operators: 8 });
    // Retried transfers (the same key twice at once) were answered with the first one's movements.
    expect(reports.reduce((sum, r) => sum + r.replayed, 0)).toBeGreaterThan(0);
  });
});
