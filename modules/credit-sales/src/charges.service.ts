/**
 * The seller API's charge: validate, then hand the charge to the group-commit batcher and answer with
 * its decision once it is durable. Refusals for insufficient credit are recorded under the key (a
 * retry with the same key gets the same 409 — a new attempt after a top-up needs a new key), like a
 * TigerBeetle id that failed; validation failures (bad phone/amount/key) record nothing.
 */
import { AppError, type RequestContext } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { creditSalesRepository as repo, type ChargeRow } from './credit-sales.repository.js';
import { chargeAmountOf, money, orgOf, type Shared } from './credit-sales.shared.js';
import { parseMobile, normaliseMobile } from './phone.js';
import type { ChargeBatcher, DecidedCharge } from './charge-batcher.js';
import type { SellerRef } from './seller-directory.js';
import type { ChargeDto, ChargeInput, ChargeListItem, ChargesQuery } from './credit-sales.contracts.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,64}$/;

export function chargeDto(row: DecidedCharge): ChargeDto {
  return { id: row.id, phone: row.phone, amount_rial: money(row.amount_rial), balance_after_rial: money(row.balance_after_rial ?? 0n), created_at: row.created_at.toISOString() };
}

function listItem(row: ChargeRow): ChargeListItem {
  return {
    id: row.id, phone: row.phone, operator: row.operator, amount_rial: money(row.amount_rial), status: row.status, idempotency_key: row.idempotency_key,
    balance_after_rial: row.balance_after_rial === null ? null : money(row.balance_after_rial), created_at: row.created_at.toISOString(),
  };
}

export function createChargesService(shared: Shared, batcher: ChargeBatcher) {
  async function sellerOfKey(ctx: RequestContext): Promise<SellerRef> {
    const actor = ctx.actor;
    if (actor.kind !== 'api_key' || !actor.subject_id) throw new AppError('common.forbidden');
    const seller = await shared.sellers.get(actor.org_id, actor.subject_id);
    if (!seller) throw new AppError('credit_sales.seller_not_found');
    if (seller.status !== 'active') throw new AppError('credit_sales.seller_suspended');
    return seller;
  }

  return {
    sellerOfKey,

    /** Runs outside any request transaction: the batcher owns the transaction the charge commits in. */
    async charge(ctx: RequestContext, input: ChargeInput, idempotency_key: string | undefined): Promise<{ charge: ChargeDto; replayed: boolean }> {
      if (!idempotency_key || !KEY_PATTERN.test(idempotency_key)) throw new AppError('credit_sales.idempotency_key_invalid', { min_length: 1, max_length: 64 });
      const amount_rial = chargeAmountOf(input.amount_rial);
      const phone = parseMobile(input.phone);
      if (!phone) throw new AppError('credit_sales.invalid_phone');
      const seller = await sellerOfKey(ctx);
      const decision = await batcher.submit({
        seller, idempotency_key, phone: phone.phone, operator: phone.operator, amount_rial,
        api_key_id: ctx.actor.kind === 'api_key' ? ctx.actor.api_key_id : null,
      });
      if (decision.outcome === 'key_reused') throw new AppError('credit_sales.idempotency_key_reused');
      if (decision.outcome === 'refused') throw new AppError('credit_sales.insufficient_credit');
      return { charge: chargeDto(decision.charge), replayed: decision.replayed };
    },

    async list(ctx: Ctx, seller_id: string, query: ChargesQuery): Promise<{ items: ChargeListItem[]; total: number }> {
      const phone = query.phone ? normaliseMobile(query.phone) : undefined;
      if (query.phone && !phone) throw new AppError('credit_sales.invalid_phone');
      const { rows, total } = await repo.listCharges(ctx.db, orgOf(ctx), seller_id, {
        phone: phone ?? undefined, status: query.status, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined,
        limit: query.limit, offset: query.offset,
      });
      return { items: rows.map(listItem), total };
    },
  };
}
export type ChargesService = ReturnType<typeof createChargesService>;
