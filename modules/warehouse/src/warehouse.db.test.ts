import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { AppError, newId } from '@chaharsu/kit';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import type { Db } from '@chaharsu/db';
import { createAuditApi } from '@chaharsu/audit';
import { asUser, createStockModules, userContext, type StockModules } from '@chaharsu/inventory/testing';
import { createWarehouseService, type WarehouseService } from './warehouse.service.js';
import type { FaceConfirmRequest } from './warehouse.contracts.js';
import type { MoveResult } from '@chaharsu/inventory';
import { syntheticFace, syntheticFrames } from './testing/descriptors.js';

let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
let stock: StockModules;
let warehouse: WarehouseService;
let clock = new Date('2026-11-21T08:00:00Z');
const org = newId();
const otherOrg = newId();
const operator = newId();
const otherOperator = newId();
let mainWarehouse: string;

const as = <T>(fn: Parameters<typeof asUser<T>>[3], user = operator, org_id = org) => asUser(db, org_id, user, fn);
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}
const live = (person: number, seed: number, gestures = ['blink left eye', 'facing left', 'facing right', 'facing center']) => (challenge_id: string): FaceConfirmRequest => ({
  challenge_id, descriptor: syntheticFrames(person, 1, seed)[0] ?? [],
  liveness: { challenge_passed: true, observed_gestures: gestures, real_score: 0.8, live_score: 0.9 },
});

async function confirm(employee_id: string, request: (challenge_id: string) => FaceConfirmRequest, user = operator) {
  const challenge = await as((ctx) => warehouse.face.challenge(ctx, employee_id), user);
  return as((ctx) => warehouse.face.confirm(ctx, employee_id, request(challenge.challenge_id)), user);
}
async function tokenFor(employee_id: string, person: number, user = operator): Promise<string> {
  const outcome = await confirm(employee_id, live(person, 50), user);
  if (!outcome.accepted) throw new Error(`confirmation refused: ${outcome.code}`);
  return outcome.result.confirmation_token;
}

let ali: string;
let sara: string;
let productId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ db, close } = openTestDb(database.app_url));
  stock = createStockModules(undefined, { db });
  mainWarehouse = stock.orgs.addWarehouse(org);
  stock.orgs.addWarehouse(otherOrg);
  warehouse = createWarehouseService({
    audit: createAuditApi(), inventory: stock.inventory, catalog: stock.catalog, secret_key: Buffer.alloc(32, 3), now: () => clock,
  });
  ali = (await as((ctx) => warehouse.employees.create(ctx, { full_name: 'علی رضایی', personnel_code: 'E-1', phone: null }))).id;
  sara = (await as((ctx) => warehouse.employees.create(ctx, { full_name: 'Sara Karimova', personnel_code: 'E-2', phone: null }))).id;
  await as((ctx) => warehouse.employees.enrolFace(ctx, ali, syntheticFrames(1, 12)));
  await as((ctx) => warehouse.employees.enrolFace(ctx, sara, syntheticFrames(2, 15)));
  productId = (await as((ctx) => stock.catalog.createProduct(ctx, { code: 'P-100', name: 'پیچ ۱۰', unit: 'عدد', barcodes: ['6260000000017'] }))).id;
});
afterAll(async () => { await close(); await database.drop(); });

describe('employees and face enrolment', () => {
  it('stores the face template encrypted: no descriptor number is readable in the table', async () => {
    const employee = await as((ctx) => warehouse.employees.get(ctx, ali));
    expect(employee).toMatchObject({ full_name: 'علی رضایی', face_enrolled: true, face_frames: 12 });
    const raw = await sql<{ t: string }>`select face_template_encrypted as t from warehouse.employee where id = ${ali}`.execute(db);
    // RLS hides rows without an organisation: read it as the organisation.
    const scoped = await as((ctx) => sql<{ t: string }>`select face_template_encrypted as t from warehouse.employee where id = ${ali}`.execute(ctx.db));
    expect(raw.rows).toEqual([]);
    const stored = scoped.rows[0]?.t ?? '';
    expect(stored.startsWith('v1.')).toBe(true);
    expect(stored).not.toContain(String(syntheticFrames(1, 1)[0]?.[0]).slice(0, 6));
  });

  it('refuses an enrolment of 9 frames, of mixed people, and a duplicate personnel code', async () => {
    expect(await codeOf(as((ctx) => warehouse.employees.enrolFace(ctx, ali, syntheticFrames(1, 9))))).toBe('warehouse.enrolment_invalid');
    expect(await codeOf(as((ctx) => warehouse.employees.enrolFace(ctx, ali, [...syntheticFrames(1, 10), syntheticFace(3)])))).toBe('warehouse.enrolment_inconsistent');
    expect(await codeOf(as((ctx) => warehouse.employees.create(ctx, { full_name: 'X', personnel_code: 'E-1', phone: null })))).toBe('warehouse.employee_code_taken');
  });

  it('lists and searches employees of the organisation only', async () => {
    expect((await as((ctx) => warehouse.employees.list(ctx, { q: 'sara', limit: 50, offset: 0 }))).items.map((e) => e.id)).toEqual([sara]);
    expect((await as((ctx) => warehouse.employees.list(ctx, { limit: 50, offset: 0 }), operator, otherOrg)).total).toBe(0);
  });
});

describe('face confirmation', () => {
  it('accepts the enrolled person after the liveness challenge and refuses another face or a missing gesture', async () => {
    const accepted = await confirm(ali, live(1, 7));
    expect(accepted).toMatchObject({ accepted: true, result: { employee_id: ali } });
    expect(await confirm(ali, live(2, 7))).toMatchObject({ accepted: false, code: 'warehouse.face_mismatch' });
    expect(await confirm(ali, live(1, 8, ['facing center']))).toMatchObject({ accepted: false, code: 'warehouse.liveness_failed' });
    const attempts = await as((ctx) => sql<{ accepted: boolean }>`select accepted from warehouse.face_confirmation where employee_id = ${ali} order by created_at, id`.execute(ctx.db));
    expect(attempts.rows.map((r) => r.accepted).sort()).toEqual([false, false, true]);
  });

  it('uses a challenge once, only for its employee and user, and only before it expires', async () => {
    const challenge = await as((ctx) => warehouse.face.challenge(ctx, ali));
    await as((ctx) => warehouse.face.confirm(ctx, ali, live(1, 9)(challenge.challenge_id)));
    expect(await codeOf(as((ctx) => warehouse.face.confirm(ctx, ali, live(1, 9)(challenge.challenge_id))))).toBe('warehouse.challenge_used');
    const other = await as((ctx) => warehouse.face.challenge(ctx, ali));
    expect(await codeOf(as((ctx) => warehouse.face.confirm(ctx, sara, live(2, 9)(other.challenge_id))))).toBe('warehouse.challenge_not_found');
    expect(await codeOf(as((ctx) => warehouse.face.confirm(ctx, ali, live(1, 9)(other.challenge_id)), otherOperator))).toBe('warehouse.challenge_not_found');
    clock = new Date(clock.getTime() + 3 * 60_000);
    expect(await codeOf(as((ctx) => warehouse.face.confirm(ctx, ali, live(1, 9)(other.challenge_id))))).toBe('warehouse.challenge_expired');
  });
});

describe('guessing', () => {
  it('stops new challenges for an employee after 5 refused confirmations in 10 minutes', async () => {
    const id = (await as((ctx) => warehouse.employees.create(ctx, { full_name: 'Guarded', personnel_code: null, phone: null }))).id;
    await as((ctx) => warehouse.employees.enrolFace(ctx, id, syntheticFrames(6, 10)));
    for (let attempt = 0; attempt < 5; attempt++) expect(await confirm(id, live(7, attempt))).toMatchObject({ accepted: false, code: 'warehouse.face_mismatch' });
    expect(await codeOf(as((ctx) => warehouse.face.challenge(ctx, id)))).toBe('warehouse.face_too_many_attempts');
    clock = new Date(clock.getTime() + 11 * 60_000);
    expect(await confirm(id, live(6, 1))).toMatchObject({ accepted: true });
  });
});

describe('movements at the station', () => {
  it('saves IN and OUT with a fresh confirmation (by id or scanned barcode), tied to the employee and the user', async () => {
    const token = await tokenFor(ali, 1);
    await as((ctx) => warehouse.movements.record(ctx, { type: 'in', item_id: productId, quantity: 10, warehouse_id: mainWarehouse, employee_id: ali, face_confirmation_token: token }));
    const out = await as((ctx) => warehouse.movements.record(ctx, { type: 'out', barcode: '6260000000017', quantity: 3, warehouse_id: mainWarehouse, employee_id: ali, face_confirmation_token: token, note: 'سفارش ۱۲' }));
    expect(out.movements[0]).toMatchObject({ type: 'out', quantity_after: 7, employee_id: ali, user_id: operator, reason: 'سفارش ۱۲' });
    const history = await as((ctx) => warehouse.movements.history(ctx, { employee_id: ali, limit: 50, offset: 0 }));
    expect(history.items.map((m) => [m.type, m.employee_name])).toEqual([['out', 'علی رضایی'], ['in', 'علی رضایی']]);
  });

  it('refuses a movement with no, an expired, someone else\'s or another organisation\'s confirmation', async () => {
    const move = (token: string | null, employee_id = ali, user = operator, org_id = org) => codeOf(as((ctx) => warehouse.movements.record(ctx, {
      type: 'in', item_id: productId, quantity: 1, warehouse_id: mainWarehouse, employee_id, face_confirmation_token: token,
    }), user, org_id));
    const aliToken = await tokenFor(ali, 1);
    expect(await move(null)).toBe('warehouse.face_confirmation_missing');
    expect(await move(aliToken, sara)).toBe('warehouse.face_confirmation_wrong_employee');
    expect(await move(aliToken, ali, otherOperator)).toBe('warehouse.face_confirmation_wrong_user');
    expect(await move(aliToken, ali, operator, otherOrg)).toBe('warehouse.face_confirmation_wrong_org');
    expect(await move(`${aliToken.slice(0, -2)}xx`)).toBe('warehouse.face_confirmation_invalid');
    clock = new Date(clock.getTime() + 5 * 60_000);
    expect(await move(aliToken)).toBe('warehouse.face_confirmation_expired');
    const levels = await as((ctx) => stock.inventory.listStock(ctx, { item_id: productId, warehouse_id: mainWarehouse, limit: 5, offset: 0 }));
    expect(levels.items[0]?.quantity).toBe(7);
  });

  it('saves several movements at once through the movement lane, each tied to its confirmation; a deactivated employee is refused alone', async () => {
    const request = { ctx: userContext(org, operator), tx: <T>(fn: Parameters<typeof asUser<T>>[3]) => asUser(db, org, operator, fn) };
    const reza = (await as((ctx) => warehouse.employees.create(ctx, { full_name: 'رضا احمدی', personnel_code: 'E-3', phone: null }))).id;
    await as((ctx) => warehouse.employees.enrolFace(ctx, reza, syntheticFrames(3, 12)));
    const aliToken = await tokenFor(ali, 1);
    const rezaToken = await tokenFor(reza, 3);
    // Deactivated after the confirmation: the token is still valid, the employee may no longer move goods.
    await as((ctx) => warehouse.employees.update(ctx, reza, { is_active: false }));
    const before = (await as((ctx) => stock.inventory.listStock(ctx, { item_id: productId, warehouse_id: mainWarehouse, limit: 5, offset: 0 }))).items[0]?.quantity ?? 0;
    const outcomes = await Promise.all([
      { type: 'in' as const, item_id: productId, quantity: 4, employee_id: ali, face_confirmation_token: aliToken, idempotency_key: 'lane-scan-1' },
      { type: 'out' as const, barcode: '6260000000017', quantity: 4, employee_id: ali, face_confirmation_token: aliToken, idempotency_key: 'lane-scan-2' },
      { type: 'in' as const, item_id: productId, quantity: 2, employee_id: reza, face_confirmation_token: rezaToken, idempotency_key: 'lane-scan-3' },
    ].map((input) => warehouse.movements.submit(request, { ...input, warehouse_id: mainWarehouse }).then((r): MoveResult | string => r, (e: unknown) => (e instanceof AppError ? e.code : String(e)))));
    expect(outcomes[2]).toBe('warehouse.employee_inactive');
    const saved = outcomes.slice(0, 2).map((o) => (typeof o === 'string' ? null : o?.movements[0]));
    expect(saved.map((m) => [m?.type, m?.employee_id, m?.user_id])).toEqual([['in', ali, operator], ['out', ali, operator]]);
    const links = await as(async (ctx) => (await sql<{ movement_id: string; employee_id: string }>`select movement_id, employee_id
      from warehouse.movement_confirmation where movement_id = any(${saved.map((m) => m?.id ?? '')}::uuid[])`.execute(ctx.db)).rows);
    expect(links.map((l) => [l.movement_id, l.employee_id]).sort()).toEqual(saved.map((m) => [m?.id, ali]).sort());
    const after = (await as((ctx) => stock.inventory.listStock(ctx, { item_id: productId, warehouse_id: mainWarehouse, limit: 5, offset: 0 }))).items[0]?.quantity;
    expect(after).toBe(before + 4 - 4);
    // A retried scan (same key) is answered with the first movement and moves nothing.
    const retried = await warehouse.movements.submit(request, { type: 'in', item_id: productId, quantity: 4, employee_id: ali, face_confirmation_token: aliToken, idempotency_key: 'lane-scan-1', warehouse_id: mainWarehouse });
    expect(retried).toMatchObject({ replayed: true, movements: [{ id: saved[0]?.id }] });
  });

  it('refuses an OUT beyond the stock, and reverses a movement with a reason beside the original', async () => {
    const token = await tokenFor(sara, 2);
    expect(await codeOf(as((ctx) => warehouse.movements.record(ctx, { type: 'out', item_id: productId, quantity: 8, warehouse_id: mainWarehouse, employee_id: sara, face_confirmation_token: token }))))
      .toBe('inventory.insufficient_stock');
    const saved = await as((ctx) => warehouse.movements.record(ctx, { type: 'out', item_id: productId, quantity: 2, warehouse_id: mainWarehouse, employee_id: sara, face_confirmation_token: token }));
    const original = saved.movements[0]?.id ?? '';
    const reversal = await as((ctx) => warehouse.movements.reverse(ctx, original, 'اشتباه در تعداد'));
    expect(reversal.movements[0]).toMatchObject({ type: 'reversal', reverses_movement_id: original, quantity_after: 7, reason: 'اشتباه در تعداد' });
    const history = await as((ctx) => warehouse.movements.history(ctx, { product_id: productId, limit: 50, offset: 0 }));
    expect(history.items.find((m) => m.id === original)?.reversed_by_movement_id).toBe(reversal.movements[0]?.id);
  });
});
