/**
 * A separate OS process that moves stock through the inventory API against a shared database, for the
 * concurrency tests (and the benchmark). Started with child_process.fork; reads its job from argv[2]
 * (JSON), reports counts through process.send, then exits.
 */
import { AppError } from '@chaharsu/kit';
import { openTestDb } from '@chaharsu/db/testing';
import { createStockModules, createFakeOrgs, asUser } from './index.js';

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
}

export interface MoveReport { ok: number; refused: Record<string, number>; moved_out: number }

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as MoveJob;
  const { db, close } = openTestDb(job.url, 2);
  const orgs = createFakeOrgs();
  for (const w of job.warehouse_ids) orgs.addWarehouse(job.org_id, w);
  const m = createStockModules(orgs);
  const next = random(job.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const report: MoveReport = { ok: 0, refused: {}, moved_out: 0 };
  const mine: string[] = [];
  for (let n = 0; n < job.operations; n++) {
    const warehouse_id = pick(job.warehouse_ids);
    const roll = job.mode === 'out' ? 0 : next();
    try {
      const result = await asUser(db, job.org_id, job.user_id, async (ctx) => {
        if (roll < 0.45) return m.inventory.move(ctx, { type: 'out', warehouse_id, item_id: job.item_id, quantity: job.mode === 'out' ? 1 : 1 + Math.floor(next() * 4) });
        if (roll < 0.7) return m.inventory.move(ctx, { type: 'in', warehouse_id, item_id: job.item_id, quantity: 1 + Math.floor(next() * 3) });
        if (roll < 0.85) {
          const to = pick(job.warehouse_ids.filter((w) => w !== warehouse_id));
          return m.inventory.move(ctx, { type: 'transfer', from_warehouse_id: warehouse_id, to_warehouse_id: to, item_id: job.item_id, quantity: 1 + Math.floor(next() * 3), idempotency_key: `transfer-${job.seed}-${n}` });
        }
        if (roll < 0.92) return m.inventory.adjust(ctx, { warehouse_id, item_id: job.item_id, quantity_delta: next() < 0.5 ? -1 : 2, reason: 'شمارش' });
        const target = mine.length ? pick(mine) : null;
        if (!target) return m.inventory.move(ctx, { type: 'in', warehouse_id, item_id: job.item_id, quantity: 1 });
        return m.inventory.reverse(ctx, target, { reason: 'اشتباه ثبت' });
      });
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
  await close();
  process.send?.(report);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
