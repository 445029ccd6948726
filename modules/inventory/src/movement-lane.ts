/**
 * Group commit for stock movements (decision 0012). Operators' IN / OUT / TRANSFER requests are queued per
 * organisation; while the lane's transactions are in flight new ones wait, and the next transaction takes
 * all of them (up to MAX_BATCH). A batch is one transaction of three round trips: begin + scope + the
 * warehouses it names; inventory.apply_units (every stock row locked in one order, then unit by unit: the
 * idempotency key, the item, the guarded balance and the ledger row); the audit records and the callers' own
 * rows (the station's face-confirmation link) with the commit. Each request is answered only after that
 * commit, so an answered movement is durable.
 *
 * A unit is refused on its own (unknown warehouse or item, a product with variants, short stock, a key used
 * by another request): it writes nothing and its neighbours commit. When the batch fails before its commit
 * (an unexpected error, a deadlock with a writer outside the lane), every unit runs again on its own, in its
 * own transaction, on the unbatched path (InventoryService.move), so one bad unit cannot fail the others;
 * when the commit itself fails, whether it happened is unknown, so every unit fails and its client retries
 * with its idempotency key, as after a lost connection.
 *
 * Correctness never depends on the batching: the row locks and the guarded balance update keep several
 * processes right; the batching only makes many operators cost one transaction per batch instead of one per
 * movement (the warehouse benchmark's stock-out: docs/benchmarks.md).
 */
import type { Logger } from 'pino';
import { inTransaction, pgErrorCode, type Db } from '@chaharsu/db';
import { AppError, assert, createBatchLanes, type LaneItem, type RequestContext } from '@chaharsu/kit';
import { rlsScopeOf, type Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { stockRepository as stock, type AppliedUnitLeg, type UnitLeg } from './inventory.repository.js';
import type { MovementRow } from './inventory.tables.js';
import type { MovementCreate, MoveResult } from './inventory.contracts.js';
import type { WarehouseDirectory } from './inventory.ports.js';
import {
  appliedItem, appliedMovement, mayGoNegative, movementAuditEntry, newLegRow, planMove, qty, refusalOf, replayOf, toMovementDto, type InventoryService, type MoveOptions, type MovePlan,
} from './inventory.service.js';

export const MAX_BATCH = 64;
export const MAX_QUEUED_PER_LANE = 5_000;
/**
 * Two batches per lane may be in flight, but the second starts only once the first has applied its legs: while
 * one commits (its audit records, the callers' rows, the WAL flush), the next applies its own. Starting the
 * second at once instead took whatever had queued — mostly a single movement — and left everyone else waiting
 * for both (warehouse benchmark: 1,216 of 1,556 batches held one movement, 1,237 movements/s).
 */
export const IN_FLIGHT_PER_LANE = 2;

/**
 * A rule of the caller's that decides, in the batch's transaction before any leg, whether a unit may move stock
 * (e.g. "the employee is still active"). Units carrying checks with the same `key` share one call of `run` with
 * all their ids, so a batch asks once, not once per movement; `run` answers the refusals by id.
 */
export interface BatchCheck {
  key: string;
  id: string;
  run: (ctx: Ctx, ids: string[]) => Promise<Map<string, AppError>>;
}

export interface SubmitOptions extends MoveOptions {
  /** Checked with the other units' checks of the same key, before the legs (see BatchCheck). */
  check?: BatchCheck;
  /**
   * Runs in the movement's transaction (the batch's, or its own on the fallback) right after its rows are
   * written, and not on a replay: the caller's rows that must commit with the movement.
   */
  after?: (ctx: Ctx, result: MoveResult) => Promise<void>;
}

interface Unit { ctx: RequestContext; input: MovementCreate; options: SubmitOptions; plan: MovePlan }
type Waiting = LaneItem<Unit, MoveResult>;
type Decision = { ok: MoveResult } | { error: unknown };

export interface MovementLaneDeps {
  db: Db;
  audit: AuditApi;
  warehouses: WarehouseDirectory;
  service: InventoryService;
  logger?: Logger;
  /** Defaults MAX_BATCH and MAX_QUEUED_PER_LANE (tests make them small). */
  limits?: { max_batch?: number; max_queued?: number };
}

/** A stored movement as inventory.apply_units returns it for a replay (to_jsonb of the row). */
function storedRow(json: Record<string, unknown>): MovementRow {
  const text = (v: unknown): string => (typeof v === 'number' ? qty(v) : String(v));
  return {
    ...(json as unknown as MovementRow),
    created_at: new Date(String(json.created_at)),
    quantity_delta: text(json.quantity_delta),
    quantity_after: text(json.quantity_after),
  };
}

export function createMovementLane(deps: MovementLaneDeps) {

  /** The legs of one unit in the order inventory.apply_units tries them: a leg that may be refused first, so a refused unit wrote nothing. */
  function legsOf(unit: Unit, u: number, first_n: number): UnitLeg[] {
    const allow = (leg: { delta: number }) => mayGoNegative(leg, unit.options);
    const ordered = [...unit.plan.legs].sort((a, b) => Number(allow(a)) - Number(allow(b)) || a.warehouse_id.localeCompare(b.warehouse_id));
    return ordered.map((leg, i) => {
      const row = newLegRow(unit.ctx, unit.plan.item_id, leg, unit.input, unit.options, i === 0);
      return { ...row, n: first_n + i, u, delta: row.quantity_delta, allow_negative: allow(leg) };
    });
  }

  /** One unit's answer from its rows of inventory.apply_units; the movements it wrote, for the low-stock notices. */
  function decide(unit: Unit, rows: AppliedUnitLeg[], legs: UnitLeg[]): { result: MoveResult; crossed: Array<{ row: AppliedUnitLeg; leg: UnitLeg }> } {
    const [first] = rows;
    assert(first, 'every unit sent gets at least one row');
    if (first.outcome === 'replayed') {
      return { result: replayOf(rows.map((r) => storedRow(r.stored ?? {})), { item_id: unit.plan.item_id, types: unit.plan.types }), crossed: [] };
    }
    const refused = rows.find((r) => r.outcome !== 'applied');
    if (refused) {
      const leg = unit.plan.legs.find((l) => l.id === refused.leg_id);
      assert(leg, 'a refused row names one of the unit\'s legs');
      throw refusalOf(refused, unit.plan.item_id, leg);
    }
    const written = new Map<string, MovementRow>();
    const crossed: Array<{ row: AppliedUnitLeg; leg: UnitLeg }> = [];
    for (const row of rows) {
      const leg = legs.find((l) => l.id === row.leg_id);
      assert(leg, 'an applied row names one of the unit\'s legs');
      written.set(leg.id, appliedMovement(leg, row));
      if (row.low_alert && row.min_quantity !== null) crossed.push({ row, leg });
    }
    // The answer lists the legs in the request's order (a transfer: out, then in), as the unbatched path does.
    const movements = unit.plan.legs.map((l) => written.get(l.id)).filter((r): r is MovementRow => !!r).map((r) => toMovementDto(r));
    return { result: { movements, replayed: false }, crossed };
  }

  /** Decides and records one batch in one transaction; one decision per unit, in order. */
  async function runBatch(org_id: string, units: Unit[], state: { committing: boolean; applied: () => void }): Promise<Decision[]> {
    return inTransaction(deps.db, { org_id, user_id: null }, async (tx) => {
      const decisions: Decision[] = new Array(units.length);
      const first = units[0];
      assert(first, 'a batch has units');
      // Warehouses are the orgs module's: each one the batch names is asked once.
      const known = new Map<string, boolean>();
      for (const warehouse_id of new Set(units.flatMap((u) => u.plan.warehouse_ids))) {
        known.set(warehouse_id, await deps.warehouses.exists({ ...first.ctx, db: tx }, warehouse_id));
      }
      // The callers' own checks: one call per kind of check for the whole batch.
      const refusals = new Map<string, Map<string, AppError>>();
      const checks = new Map<string, BatchCheck & { ids: Set<string> }>();
      for (const unit of units) {
        const check = unit.options.check;
        if (!check) continue;
        const entry = checks.get(check.key) ?? { ...check, ids: new Set<string>() };
        entry.ids.add(check.id);
        checks.set(check.key, entry);
      }
      for (const [key, check] of checks) refusals.set(key, await check.run({ ...first.ctx, db: tx }, [...check.ids]));
      const legs: UnitLeg[] = [];
      const legsOfUnit = new Map<number, UnitLeg[]>();
      units.forEach((unit, u) => {
        if (unit.plan.warehouse_ids.some((w) => !known.get(w))) {
          decisions[u] = { error: new AppError('inventory.warehouse_not_found') };
          return;
        }
        const refusal = unit.options.check && refusals.get(unit.options.check.key)?.get(unit.options.check.id);
        if (refusal) {
          decisions[u] = { error: refusal };
          return;
        }
        const unitLegs = legsOf(unit, u, legs.length);
        legsOfUnit.set(u, unitLegs);
        legs.push(...unitLegs);
      });
      const rowsOfUnit = new Map<number, AppliedUnitLeg[]>();
      const applied = legs.length > 0 ? await stock.applyUnits(tx, org_id, legs) : [];
      state.applied();
      for (const row of applied) {
        const rows = rowsOfUnit.get(row.unit);
        if (rows) rows.push(row);
        else rowsOfUnit.set(row.unit, [row]);
      }
      const told = new Set<string>();
      const audited: Parameters<AuditApi['recordMany']>[1] = [];
      for (const [u, unitLegs] of legsOfUnit) {
        const unit = units[u];
        assert(unit, 'a unit index names a unit');
        let decided: ReturnType<typeof decide>;
        try {
          decided = decide(unit, rowsOfUnit.get(u) ?? [], unitLegs);
        } catch (error) {
          decisions[u] = { error };
          continue;
        }
        decisions[u] = { ok: decided.result };
        if (decided.result.replayed) continue;
        const ctx: Ctx = { ...unit.ctx, db: tx };
        // Two units of a batch may take the same balance below its minimum: the people responsible are told once.
        for (const { row, leg } of decided.crossed) {
          const key = `${leg.warehouse_id}:${leg.item_id}`;
          if (told.has(key)) continue;
          told.add(key);
          await deps.service.tellLow(ctx, { warehouse_id: leg.warehouse_id, quantity: row.quantity_after ?? '0', min_quantity: row.min_quantity ?? '0' },
            appliedItem(leg.item_id, row, row.unit_name));
        }
        const movements = decided.result.movements;
        audited.push({ ctx: unit.ctx, entry: movementAuditEntry(unit.plan.legs[0]?.type, movements) });
        await unit.options.after?.(ctx, decided.result);
      }
      // One statement for the batch's audit records (it travels with the commit).
      await deps.audit.recordMany(tx, audited);
      state.committing = true;
      return decisions;
    });
  }

  /** The unbatched path for one unit, in its own transaction (after a batch failed before its commit). */
  async function runAlone(unit: Unit): Promise<MoveResult> {
    return inTransaction(deps.db, rlsScopeOf(unit.ctx), async (tx) => {
      const ctx: Ctx = { ...unit.ctx, db: tx };
      const check = unit.options.check;
      const refusal = check && (await check.run(ctx, [check.id])).get(check.id);
      if (refusal) throw refusal;
      const result = await deps.service.move(ctx, unit.input, unit.options);
      if (!result.replayed) await unit.options.after?.(ctx, result);
      return result;
    });
  }

  /** One batch: written together; after a failure before its commit, unit by unit (see the module's comment). */
  async function settle(org_id: string, waiting: Waiting[], ready: () => void): Promise<void> {
    const state = { committing: false, applied: ready };
    try {
      const decisions = await runBatch(org_id, waiting.map((w) => w.value), state);
      waiting.forEach((w, i) => {
        const d = decisions[i];
        assert(d, 'a decision for every unit');
        if ('ok' in d) w.resolve(d.ok);
        else w.reject(d.error);
      });
    } catch (error) {
      if (state.committing && pgErrorCode(error) === undefined) {
        // The commit was sent and no answer came (e.g. the connection was lost): whether it happened is unknown.
        // (An error the server answered — a deferred insert's constraint, say — means nothing was committed.)
        deps.logger?.error({ err: error, batch_size: waiting.length }, 'movement batch failed at its commit');
        for (const w of waiting) w.reject(error);
        return;
      }
      deps.logger?.warn({ err: error, batch_size: waiting.length }, 'movement batch failed before its commit; running its units one by one');
      ready();
      await Promise.all(waiting.map((w) => runAlone(w.value).then(w.resolve, w.reject)));
    }
  }

  // One lane per organisation; its next batch may start once the running one has applied its legs.
  const lanes = createBatchLanes<Unit, MoveResult>({
    max_batch: deps.limits?.max_batch ?? MAX_BATCH,
    max_queued: deps.limits?.max_queued ?? MAX_QUEUED_PER_LANE,
    in_flight: IN_FLIGHT_PER_LANE,
    busy: () => new AppError('inventory.busy'),
    run: settle,
  });

  return {
    /**
     * An IN / OUT / TRANSFER, written with other requests' movements in one transaction; resolves after that
     * commit. Runs outside any transaction of the caller (`ctx` has no `db`): what must commit with the
     * movement goes in `options.after`.
     */
    async submit(ctx: RequestContext, input: MovementCreate, options: SubmitOptions = {}): Promise<MoveResult> {
      const org_id = ctx.org_id;
      assert(org_id, 'inventory needs an organisation in the context');
      return lanes.submit(org_id, { ctx, input, options, plan: planMove(input) });
    },
  };
}

export type MovementLane = ReturnType<typeof createMovementLane>;
