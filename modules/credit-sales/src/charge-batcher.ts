/**
 * Group commit for charges. Concurrent charges are queued per lane (an organisation and a hash of the
 * seller, so one seller always uses the same lane in this process); while a lane's transactions are in
 * flight, new charges wait, and the next transaction takes all of them (up to MAX_BATCH). One batch is
 * one transaction of one round trip: begin, the row-level-security scope, one call of
 * `credit_sales.charge_batch` and commit travel together. The database probes the keys, locks the sellers'
 * accounts (id order), decides each charge in arrival order against the running balance (a refused charge
 * does not block a later one that fits; `ledger.post_each`) and writes everything, so a hot seller's account
 * stays locked for no hop to Node. Every request is answered only after that commit, so an answered charge
 * is durable.
 *
 * Correctness never depends on the batching: it is the database's row lock and the guarded balance
 * that keep several processes and server instances right; the batching only makes one hot seller
 * cost one transaction per batch instead of one per charge. Queues are bounded (busy → 429). The queueing
 * itself is `createBatchLanes` (@chaharsu/kit), shared with inventory's movement lane.
 */
import type { Logger } from 'pino';
import { inTransaction, pgConstraint, pgErrorCode, type Db } from '@chaharsu/db';
import { AppError, assert, createBatchLanes, newId } from '@chaharsu/kit';
import { creditSalesRepository as repo, type ChargeRow } from './credit-sales.repository.js';
import type { SellerRef } from './seller-directory.js';

export const MAX_BATCH = 512;
export const MAX_QUEUED_PER_LANE = 20_000;
/**
 * One lane per organisation: on this kind of machine (2 cores) the database's cost per transaction
 * dominates, so fewer, larger batches win. With 4 lanes, 100 sellers under 64 connections made 8
 * transactions of ~8 charges in flight and PostgreSQL spent about twice the CPU per charge as with one
 * lane (~30 charges per batch); sellers' accounts are locked in id order, so a batch of many sellers is
 * as safe as one of one seller. Raise it on machines with many cores.
 */
export const LANES_PER_ORG = 1;
/**
 * One transaction per lane in PostgreSQL at a time, and a hand-off: when a batch's answer arrives, the next batch
 * (everything that queued meanwhile) is sent first, and this batch's requests are answered one turn of the event
 * loop later — so PostgreSQL works on the next batch while Node writes these answers, instead of waiting for them.
 * (Two slots, because the answered batch still holds one while its requests are answered. A second transaction
 * sent while the first still ran only waited for its locks, with fewer charges, and was measured no better.)
 */
export const IN_FLIGHT_PER_LANE = 2;

export interface PendingCharge {
  seller: SellerRef;
  idempotency_key: string;
  phone: string;
  operator: string;
  amount_rial: bigint;
  api_key_id: string | null;
}

/** What a charge's answer shows: its id and time, and for an accepted one the balance after it. */
export type DecidedCharge = Pick<ChargeRow, 'id' | 'phone' | 'amount_rial' | 'balance_after_rial' | 'created_at'>;

export type ChargeDecision =
  | { outcome: 'accepted' | 'refused'; replayed: boolean; charge: DecidedCharge }
  | { outcome: 'key_reused' };


function laneOf(seller_id: string): number {
  let h = 0;
  for (let i = 0; i < seller_id.length; i++) h = (h * 31 + seller_id.charCodeAt(i)) | 0;
  return Math.abs(h) % LANES_PER_ORG;
}

/** How often a batch runs when a charge with one of its keys commits meanwhile (each run probes again, so a second race is rarer still). */
const KEY_RACE_ATTEMPTS = 3;
const CHARGE_KEY_CONSTRAINT = 'charge_org_id_seller_id_idempotency_key_key';

function isChargeKeyConflict(error: unknown): boolean {
  return pgErrorCode(error) === '23505' && pgConstraint(error) === CHARGE_KEY_CONSTRAINT;
}

export function createChargeBatcher(deps: { db: Db; logger: Logger }) {
  /** Decides and records one batch in one transaction; returns one decision per waiting charge, in order. */
  async function runBatch(org_id: string, batch: PendingCharge[]): Promise<ChargeDecision[]> {
    const answers = await inTransaction(deps.db, { org_id, user_id: null }, (tx) => repo.chargeBatch(tx, org_id, batch.map((c) => ({
      seller_id: c.seller.id, credit_account_id: c.seller.credit_account_id, sales_account_id: c.seller.sales_account_id,
      idempotency_key: c.idempotency_key, phone: c.phone, operator: c.operator, amount_rial: c.amount_rial, api_key_id: c.api_key_id,
      id: newId(), transfer_id: newId(),
    }))));
    assert(answers.length === batch.length, 'one answer per charge');
    return answers.map((answer, i): ChargeDecision => {
      if (answer.status === 'key_reused') return { outcome: 'key_reused' };
      const charge = batch[i] as PendingCharge;
      return {
        outcome: answer.status, replayed: answer.replayed,
        charge: { id: answer.id, phone: charge.phone, amount_rial: charge.amount_rial, balance_after_rial: answer.balance_after_rial, created_at: answer.created_at },
      };
    });
  }

  /** A batch that lost a race on an idempotency key (see runBatch) runs again; nothing of it had committed. */
  async function runBatchRetryingKeyRaces(org_id: string, batch: PendingCharge[]): Promise<ChargeDecision[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runBatch(org_id, batch);
      } catch (error) {
        if (attempt >= KEY_RACE_ATTEMPTS || !isChargeKeyConflict(error)) throw error;
        deps.logger.info({ batch_size: batch.length, attempt }, 'charge batch met a concurrent charge with the same key; running it again');
      }
    }
  }

  const lanes = createBatchLanes<PendingCharge, ChargeDecision>({
    max_batch: MAX_BATCH,
    max_queued: MAX_QUEUED_PER_LANE,
    in_flight: IN_FLIGHT_PER_LANE,
    busy: () => new AppError('credit_sales.busy'),
    async run(_lane, waiting, ready) {
      const org_id = waiting[0]?.value.seller.org_id;
      assert(org_id, 'a batch has charges');
      try {
        const decisions = await runBatchRetryingKeyRaces(org_id, waiting.map((w) => w.value));
        ready(); // the next batch is sent now (its statement goes out in this turn's microtasks)…
        await new Promise<void>((resolve) => setImmediate(resolve)); // …and these requests are answered in the next turn
        waiting.forEach((w, i) => w.resolve(decisions[i] as ChargeDecision));
      } catch (error) {
        // Nothing of this batch committed: every waiting request fails and may retry with its key.
        deps.logger.error({ err: error, batch_size: waiting.length }, 'charge batch failed');
        for (const w of waiting) w.reject(error);
      }
    },
  });

  return {
    submit(charge: PendingCharge): Promise<ChargeDecision> {
      return lanes.submit(`${charge.seller.org_id}:${laneOf(charge.seller.id)}`, charge);
    },
  };
}
export type ChargeBatcher = ReturnType<typeof createChargeBatcher>;
