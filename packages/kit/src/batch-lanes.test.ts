import { describe, expect, it } from 'vitest';
import { createBatchLanes, type LaneItem } from './batch-lanes.js';

/** Lanes whose batches wait until the test lets them go; every batch answers each item with its value × 10. */
function lanesForTest(limits: { max_batch?: number; max_queued?: number } = {}) {
  const batches: Array<{ key: string; values: number[]; ready: () => void; finish: (error?: Error) => void }> = [];
  const lanes = createBatchLanes<number, number>({
    max_batch: limits.max_batch ?? 100, max_queued: limits.max_queued ?? 100, in_flight: 2,
    busy: () => new Error('busy'),
    run: (key, batch: Array<LaneItem<number, number>>, ready) => new Promise<void>((resolve, reject) => {
      batches.push({
        key, values: batch.map((i) => i.value), ready,
        finish: (error) => {
          if (error) { reject(error); return; }
          for (const item of batch) item.resolve(item.value * 10);
          resolve();
        },
      });
    }),
  });
  return { lanes, batches };
}
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('batch lanes (the queueing under group commit)', () => {
  it('puts what arrives together in one batch, per lane key', async () => {
    const { lanes, batches } = lanesForTest();
    const answers = [lanes.submit('a', 1), lanes.submit('a', 2), lanes.submit('b', 3), lanes.submit('a', 4)];
    await turn();
    expect(batches.map((b) => [b.key, b.values])).toEqual([['a', [1, 2, 4]], ['b', [3]]]);
    for (const b of batches) b.finish();
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40]);
  });

  it('starts a lane\'s next batch only when the running one is ready, with everything that queued meanwhile', async () => {
    const { lanes, batches } = lanesForTest();
    const first = lanes.submit('a', 1);
    await turn();
    const later = [lanes.submit('a', 2), lanes.submit('a', 3)];
    await turn();
    expect(batches.map((b) => b.values)).toEqual([[1]]);
    batches[0]?.ready();
    expect(batches.map((b) => b.values)).toEqual([[1], [2, 3]]);
    for (const b of batches) b.finish();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30]);
  });

  it('refuses beyond the queue\'s bound, and rejects the items of a batch that fails', async () => {
    const { lanes, batches } = lanesForTest({ max_queued: 2 });
    const answers = [1, 2, 3].map((v) => lanes.submit('a', v).catch((e: Error) => e.message));
    await turn();
    batches[0]?.finish(new Error('database gone'));
    expect(await Promise.all(answers)).toEqual(['database gone', 'database gone', 'busy']);
  });
});
