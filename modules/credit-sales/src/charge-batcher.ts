/**
 * Group commit for charges. Concurrent charges are queued per lane (an organisation and a hash of the
 * seller, so one seller always uses the same lane in this process); while a lane's transactions are in
 * flight, new charges wait, and the next transaction takes all of them (up to MAX_BATCH). One batch is
 * one transaction of three round trips: read the keys already used (with `begin`); lock the sellers'
 * accounts (id order); decide each charge in arrival order against the running balance (a refused
 * charge does not block a later one that fits), then write transfers + entries + balances and the
 * charge rows with the commit. While a hot seller's account is locked there is one Node hop, not three.
 * Every request is answered only after that commit, so an answered charge is durable.
 *
 * Correctness never depends on the batching: it is the database's row lock and the guarded balance
 * that keep several processes and server instances right; the batching only makes one hot seller
 * cost one transaction per batch instead of one per charge. Queues are bounded (busy → 429). The queueing
 * itself is `createBatchLanes` (@chaharsu/kit), shared with inventory's movement lane.
 */
import type { Logger } from 'pino';
import { inTransaction, pgConstraint, pgErrorCode, type Db } from '@chaharsu/db';
import { AppError, assert, createBatchLanes, newId, systemContext } from '@chaharsu/kit';
import type { LedgerApi, TransferInput } from '@chaharsu/ledger';
import { creditSalesRepository as repo, type ChargeRow, type NewChargeRow } from './credit-sales.repository.js';
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
 * Two transactions per lane may be in flight: once one has decided (its charges written, its commit next), the
 * next sends BEGIN and its lock request, which PostgreSQL grants the moment the first commits — the commit
 * latency and the round trips before the lock are hidden. The row lock keeps them correct.
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

export type ChargeDecision =
  | { outcome: 'accepted' | 'refused'; replayed: boolean; row: ChargeRow }
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

const keyOf = (seller_id: string, idempotency_key: string) => `${seller_id}\u0000${idempotency_key}`;

function sameRequest(row: ChargeRow, c: PendingCharge): boolean {
  return row.phone === c.phone && row.amount_rial === c.amount_rial;
}

export function createChargeBatcher(deps: { db: Db; ledger: LedgerApi; logger: Logger }) {
  /** Decides and records one batch in one transaction; returns one decision per waiting charge, in order. */
  async function runBatch(org_id: string, batch: PendingCharge[], decided: () => void): Promise<ChargeDecision[]> {
    return inTransaction(deps.db, { org_id, user_id: null }, async (tx) => {
      const ctx = { ...systemContext(deps.logger, 'credit_sales.charge', org_id), db: tx };
      // The probe comes before the lock, so it travels with `begin` and does not lengthen the time a hot
      // seller's account stays locked. A charge with the same key that commits between the probe and the
      // lock (a retry racing its first attempt) makes the charge insert fail on the key's unique index;
      // the batch then rolls back whole and runs again, and its new probe finds that charge.
      const stored = new Map((await repo.findChargesByKeys(tx, org_id, batch.map((c) => c.seller.id), batch.map((c) => c.idempotency_key)))
        .map((row) => [keyOf(row.seller_id, row.idempotency_key), row]));
      const account_ids = batch.flatMap((c) => [c.seller.credit_account_id, c.seller.sales_account_id]);
      const locked = await deps.ledger.lockAccounts(ctx, account_ids);
      assert(locked.accounts.size === new Set(account_ids).size, 'every seller account exists');
      const decisions: Array<ChargeDecision | { fresh: number } | { same_as: string }> = [];
      const fresh: Array<{ charge: PendingCharge; id: string; transfer: TransferInput }> = [];
      const firstInBatch = new Map<string, PendingCharge>();
      for (const charge of batch) {
        const key = keyOf(charge.seller.id, charge.idempotency_key);
        const previous = stored.get(key);
        if (previous) {
          decisions.push(sameRequest(previous, charge) ? { outcome: previous.status, replayed: true, row: previous } : { outcome: 'key_reused' });
          continue;
        }
        const first = firstInBatch.get(key);
        if (first) {
          decisions.push(first.phone === charge.phone && first.amount_rial === charge.amount_rial ? { same_as: key } : { outcome: 'key_reused' });
          continue;
        }
        firstInBatch.set(key, charge);
        const id = newId();
        fresh.push({ charge, id, transfer: {
          id: newId(), from_account_id: charge.seller.credit_account_id, to_account_id: charge.seller.sales_account_id, amount_rial: charge.amount_rial,
          kind: 'credit_sales.charge', reference_type: 'credit_sales.charge', reference_id: id,
        } });
        decisions.push({ fresh: fresh.length - 1 });
      }
      const outcomes = await deps.ledger.post(ctx, locked, fresh.map((f) => f.transfer), 'each');
      const rows: NewChargeRow[] = fresh.map((f, i) => {
        const outcome = outcomes[i];
        assert(outcome && outcome.status !== 'replayed', 'charge transfers carry no ledger key, so they are never replays');
        const accepted = outcome.status === 'posted';
        return {
          id: f.id, seller_id: f.charge.seller.id, idempotency_key: f.charge.idempotency_key, phone: f.charge.phone, operator: f.charge.operator,
          amount_rial: f.charge.amount_rial, status: accepted ? 'accepted' : 'refused', refusal_code: accepted ? null : 'credit_sales.insufficient_credit',
          balance_after_rial: accepted ? outcome.transfer.from_balance_after_rial : null, transfer_id: accepted ? outcome.transfer.id : null,
          api_key_id: f.charge.api_key_id,
        };
      });
      await repo.insertCharges(tx, org_id, locked.now, rows);
      decided();
      const byKey = new Map(rows.map((r) => [keyOf(r.seller_id, r.idempotency_key), { ...r, created_at: locked.now }]));
      return decisions.map((d): ChargeDecision => {
        if ('fresh' in d) {
          const row = rows[d.fresh];
          assert(row, 'fresh charge has a row');
          return { outcome: row.status, replayed: false, row: { ...row, created_at: locked.now } };
        }
        if ('same_as' in d) {
          const row = byKey.get(d.same_as);
          assert(row, 'duplicate in batch follows its first');
          return { outcome: row.status, replayed: true, row };
        }
        return d;
      });
    });
  }

  /** A batch that lost a race on an idempotency key (see runBatch) runs again; nothing of it had committed. */
  async function runBatchRetryingKeyRaces(org_id: string, batch: PendingCharge[], decided: () => void): Promise<ChargeDecision[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runBatch(org_id, batch, decided);
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
        const decisions = await runBatchRetryingKeyRaces(org_id, waiting.map((w) => w.value), ready);
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
