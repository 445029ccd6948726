/**
 * A separate OS process that moves stock through the inventory API against a shared database, for the
 * concurrency tests (and the benchmark). Started with child_process.fork; reads its job from argv[2]
 * (JSON), reports counts through process.send, then exits.
 */
import { AppError } from '@chaharsu/kit';
import { openTestDb } from '@chaharsu/db/testing';
import { createStockModules, createFakeOrgs, asUser, userContext } from './index.js';
import type { MovementCreate, MoveResult } from '../inventory.contracts.js';

export interface MoveJob {
  url: string;
  org_id: string;
  user_id: string;
  item_id: string;
  warehouse_ids: string[];
  operations: number;
  /** `out`: issue 1 each time; `mixed`: in/out/transfer/adjust/reversal at random. */
  mode: 'out' | 'mixed';
  seed: number;
  /**
   * Through the movement lane (in/out/transfer grouped into shared transactions), with this many operators
   * at once in this process; adjustments and reversals still take their own transactions beside it.
   */
  lane?: { operators: number };
}

export interface MoveReport { ok: number; refused: Record<string, number>; moved_out: number; replayed: number }

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as MoveJob;
  const operators = job.lane?.operators ?? 1;
  const { db, close } = openTestDb(job.url, job.lane ? 4 : 2);
  const orgs = createFakeOrgs();
  for (const w of job.warehouse_ids) orgs.addWarehouse(job.org_id, w);
  const m = createStockModules(orgs, { db });
  const next = random(job.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const report: MoveReport = { ok: 0, refused: {}, moved_out: 0, replayed: 0 };
  const mine: string[] = [];
  /** An IN / OUT / TRANSFER: through the lane (a retried transfer sends its key twice at once), else in its own transaction. */
  const move = async (input: MovementCreate): Promise<MoveResult> => {
    if (!job.lane) return asUser(db, job.org_id, job.user_id, (ctx) => m.inventory.move(ctx, input));
    const submit = () => m.inventory.submitMove(userContext(job.org_id, job.user_id), input);
    if (input.type !== 'transfer' || next() < 0.5) return submit();
    const [first, retry] = await Promise.all([submit(), submit().catch((e: unknown) => e)]);
    if (retry instanceof Error) throw retry;
    if (!(retry as MoveResult).replayed && !first.replayed) throw new Error('a retried key moved stock twice');
    report.replayed += 1;
    return first.replayed ? retry as MoveResult : first;
  };
  const operator = async (o: number): Promise<void> => {
    for (let n = o; n < job.operations; n += operators) {
      const warehouse_id = pick(job.warehouse_ids);
      const roll = job.mode === 'out' ? 0 : next();
      try {
        let result: MoveResult;
        if (roll < 0.45) result = await move({ type: 'out', warehouse_id, item_id: job.item_id, quantity: job.mode === 'out' ? 1 : 1 + Math.floor(next() * 4) });
        else if (roll < 0.7) result = await move({ type: 'in', warehouse_id, item_id: job.item_id, quantity: 1 + Math.floor(next() * 3) });
        else if (roll < 0.85) {
          const to = pick(job.warehouse_ids.filter((w) => w !== warehouse_id));
          result = await move({ type: 'transfer', from_warehouse_id: warehouse_id, to_warehouse_id: to, item_id: job.item_id, quantity: 1 + Math.floor(next() * 3), idempotency_key: `transfer-${job.seed}-${n}` });
        } else {
          const target = mine.length ? pick(mine) : null;
          result = await asUser(db, job.org_id, job.user_id, async (ctx) => {
            if (roll < 0.92) return m.inventory.adjust(ctx, { warehouse_id, item_id: job.item_id, quantity_delta: next() < 0.5 ? -1 : 2, reason: 'شمارش' });
            if (!target) return m.inventory.move(ctx, { type: 'in', warehouse_id, item_id: job.item_id, quantity: 1 });
            return m.inventory.reverse(ctx, target, { reason: 'اشتباه ثبت' });
          });
        }
        report.ok += 1;
        for (const movement of result.movements) {
          if (movement.type !== 'reversal') mine.push(movement.id);
          if (movement.type === 'out') report.moved_out += -movement.quantity_delta;
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        report.refused[error.code] = (report.refused[error.code] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: operators }, (_, o) => operator(o)));
  await close();
  process.send?.(report);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
