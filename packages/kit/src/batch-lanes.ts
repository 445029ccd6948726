/**
 * The queueing under the group-commit writers (credit sales' charges, inventory's movements): work is queued per
 * lane key and taken in batches, each batch one transaction of the caller's, each item answered on its own.
 * - A batch starts on the next turn of the event loop, so work that arrives together — and callers that send again
 *   the moment they are answered — shares it instead of the first item starting a batch of its own.
 * - Up to `in_flight` batches of a lane run at once, but the next one starts only after the running one calls
 *   `ready()` (e.g. once it has its locks and has decided): it then takes everything that queued meanwhile. Started
 *   at once instead, it took a single item and left the others waiting for both (measured on the warehouse
 *   benchmark: 1,216 of 1,556 batches held one movement).
 * - A lane holds at most `max_queued` waiting items: beyond that `submit` throws `busy()` (the caller's 429).
 * Correctness never rests on this: the database's locks keep batches of several processes right.
 */
export interface LaneItem<T, R> {
  value: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface BatchLanesOptions<T, R> {
  max_batch: number;
  max_queued: number;
  in_flight: number;
  /** The error for an item beyond `max_queued`. */
  busy: () => Error;
  /**
   * Runs one batch and settles its items (each through its resolve/reject); calls `ready()` as soon as the lane's next
   * batch may start. An item `run` leaves unsettled when it throws is rejected with that error.
   */
  run: (key: string, batch: Array<LaneItem<T, R>>, ready: () => void) => Promise<void>;
}

interface Lane<T, R> { queue: Array<LaneItem<T, R>>; in_flight: number; starting: number; scheduled: boolean }

export function createBatchLanes<T, R>(options: BatchLanesOptions<T, R>) {
  const lanes = new Map<string, Lane<T, R>>();

  function schedule(key: string, lane: Lane<T, R>): void {
    if (lane.scheduled) return;
    lane.scheduled = true;
    setImmediate(() => {
      lane.scheduled = false;
      if (lane.queue.length > 0) pump(key, lane);
      else if (lane.in_flight === 0) lanes.delete(key);
    });
  }

  function pump(key: string, lane: Lane<T, R>): void {
    while (lane.in_flight < options.in_flight && lane.starting === 0 && lane.queue.length > 0) {
      const batch = lane.queue.splice(0, options.max_batch);
      lane.in_flight += 1;
      lane.starting += 1;
      let starting = true;
      const ready = (): void => {
        if (!starting) return;
        starting = false;
        lane.starting -= 1;
        pump(key, lane);
      };
      options.run(key, batch, ready)
        .catch((error: unknown) => { for (const item of batch) item.reject(error); })
        .finally(() => {
          ready();
          lane.in_flight -= 1;
          schedule(key, lane);
        });
    }
  }

  return {
    /** Queues `value` in lane `key`; resolves or rejects as its batch's `run` decides. */
    submit(key: string, value: T): Promise<R> {
      const lane = lanes.get(key) ?? { queue: [], in_flight: 0, starting: 0, scheduled: false };
      lanes.set(key, lane);
      if (lane.queue.length >= options.max_queued) return Promise.reject(options.busy());
      const done = new Promise<R>((resolve, reject) => lane.queue.push({ value, resolve, reject }));
      schedule(key, lane);
      return done;
    },
  };
}
