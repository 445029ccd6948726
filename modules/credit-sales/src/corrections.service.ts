/**
 * Admin corrections: increase or decrease a seller's credit with a reason, through the same ledger
 * and the same never-negative rule as sales. The form's idempotency key makes a retried submit add nothing.
 */
import { AppError, newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { creditSalesRepository as repo, type CorrectionRow } from './credit-sales.repository.js';
import { actorLabel, amountOf, money, orgOf, type Shared } from './credit-sales.shared.js';
import { MAX_CREDIT_REQUEST_RIAL, type CorrectionDto, type CorrectionInput } from './credit-sales.contracts.js';
import type { SellersService } from './sellers.service.js';

function correctionDto(r: CorrectionRow, balance_after: bigint | null): CorrectionDto {
  return {
    id: r.id, seller_id: r.seller_id, direction: r.direction, amount_rial: money(r.amount_rial), reason: r.reason, transfer_id: r.transfer_id,
    balance_after_rial: balance_after === null ? null : money(balance_after), created_at: r.created_at.toISOString(),
  };
}

export function createCorrectionsService(shared: Shared, sellers: SellersService) {
  const { ledger, audit } = shared;
  return {
    async create(ctx: Ctx, seller_id: string, input: CorrectionInput): Promise<CorrectionDto> {
      const org_id = orgOf(ctx);
      const amount = amountOf(input.amount_rial, MAX_CREDIT_REQUEST_RIAL);
      const seller = await sellers.sellerRow(ctx, seller_id);
      const funding = await sellers.fundingAccount(ctx);
      // Lock first: a concurrent retry of the same form waits here, then finds the first correction below.
      const locked = await ledger.lockAccounts(ctx, [seller.credit_account_id, funding]);
      const previous = await repo.findCorrectionByKey(ctx.db, org_id, input.idempotency_key);
      if (previous) {
        const same = previous.seller_id === seller_id && previous.direction === input.direction && previous.amount_rial === amount;
        if (!same) throw new AppError('credit_sales.idempotency_key_reused');
        return correctionDto(previous, null);
      }
      const id = newId();
      const [from, to] = input.direction === 'increase' ? [funding, seller.credit_account_id] : [seller.credit_account_id, funding];
      const [outcome] = await ledger.post(ctx, locked, [{
        from_account_id: from, to_account_id: to, amount_rial: amount, kind: `credit_sales.correction_${input.direction}`,
        reference_type: 'credit_sales.correction', reference_id: id, memo: input.reason,
      }], 'each');
      if (!outcome || outcome.status !== 'posted') throw new AppError('credit_sales.correction_would_go_negative');
      const row = await repo.insertCorrection(ctx.db, org_id, {
        id, seller_id, direction: input.direction, amount_rial: amount, reason: input.reason, transfer_id: outcome.transfer.id,
        idempotency_key: input.idempotency_key, created_by: actorLabel(ctx),
      });
      const balance = input.direction === 'increase' ? outcome.transfer.to_balance_after_rial : outcome.transfer.from_balance_after_rial;
      const dto = correctionDto(row, balance);
      await audit.record(ctx, { action: `credit_sales.correction.${input.direction}`, entity_type: 'credit_sales.seller', entity_id: seller_id, after: dto });
      return dto;
    },

    async list(ctx: Ctx, seller_id: string | undefined, limit: number, offset: number): Promise<{ items: CorrectionDto[]; total: number }> {
      const { rows, total } = await repo.listCorrections(ctx.db, orgOf(ctx), seller_id, limit, offset);
      return { items: rows.map((r) => correctionDto(r, null)), total };
    },
  };
}
export type CorrectionsService = ReturnType<typeof createCorrectionsService>;
