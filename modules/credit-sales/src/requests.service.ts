/**
 * Credit-increase requests. A seller files one; an admin approves (credits the seller exactly once)
 * or rejects. Exactly once rests on two walls: the request row is locked and must be pending to be
 * decided (a second approval — re-save, double click, second admin, retried HTTP request — finds it
 * approved and credits nothing), and the ledger transfer carries the natural idempotency key
 * `credit_sales.request:<id>`, so even a path that skipped the first wall could not post twice.
 */
import { createHash } from 'node:crypto';
import { AppError, newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { creditSalesRepository as repo, type CreditRequestRow } from './credit-sales.repository.js';
import { actorLabel, amountOf, iso, money, orgOf, type Shared } from './credit-sales.shared.js';
import { MAX_CREDIT_REQUEST_RIAL, MAX_RECEIPT_BYTES, type CreditRequestDto, type CreditRequestInput, type CreditRequestsQuery } from './credit-sales.contracts.js';
import type { SellersService } from './sellers.service.js';

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

/** Decodes and checks a receipt: strict base64, at most 2 MiB, and bytes that really are the declared type. */
export function decodeReceipt(receipt: { content_type: string; data_base64: string }): Buffer {
  const clean = receipt.data_base64.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) throw new AppError('credit_sales.receipt_invalid', { reason: 'base64' });
  const bytes = Buffer.from(clean, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_RECEIPT_BYTES) throw new AppError('credit_sales.receipt_invalid', { reason: 'size', max_bytes: MAX_RECEIPT_BYTES });
  const matches = MAGIC[receipt.content_type];
  if (!matches || !matches(bytes)) throw new AppError('credit_sales.receipt_invalid', { reason: 'type' });
  return bytes;
}

export function requestDto(r: CreditRequestRow): CreditRequestDto {
  return {
    id: r.id, seller_id: r.seller_id, seller_name: r.seller_name, amount_rial: money(r.amount_rial), note: r.note, status: r.status,
    has_receipt: r.has_receipt, created_at: r.created_at.toISOString(), decided_at: iso(r.decided_at), decision_note: r.decision_note, transfer_id: r.transfer_id,
  };
}

export function createRequestsService(shared: Shared, sellers: SellersService) {
  const { ledger, audit } = shared;

  async function found(ctx: Ctx, id: string, seller_id?: string): Promise<CreditRequestRow> {
    const row = await repo.findRequest(ctx.db, orgOf(ctx), id);
    if (!row || (seller_id && row.seller_id !== seller_id)) throw new AppError('credit_sales.request_not_found');
    return row;
  }

  const service = {
    async file(ctx: Ctx, seller_id: string, input: CreditRequestInput): Promise<CreditRequestDto> {
      const org_id = orgOf(ctx);
      const amount = amountOf(input.amount_rial, MAX_CREDIT_REQUEST_RIAL);
      const seller = await sellers.sellerRow(ctx, seller_id);
      if (seller.status !== 'active') throw new AppError('credit_sales.seller_suspended');
      const receipt = input.receipt ? decodeReceipt(input.receipt) : null;
      const id = newId();
      await repo.insertRequest(ctx.db, org_id, { id, seller_id, amount_rial: amount, note: input.note?.trim() || null, has_receipt: receipt !== null, created_by: actorLabel(ctx) });
      if (receipt && input.receipt) {
        await repo.insertReceipt(ctx.db, org_id, { request_id: id, content_type: input.receipt.content_type, byte_size: receipt.length, sha256: createHash('sha256').update(receipt).digest('hex'), bytes: receipt });
      }
      const dto = requestDto(await found(ctx, id));
      await audit.record(ctx, { action: 'credit_sales.request.file', entity_type: 'credit_sales.credit_request', entity_id: id, after: dto });
      return dto;
    },

    async get(ctx: Ctx, id: string, seller_id?: string): Promise<CreditRequestDto> {
      return requestDto(await found(ctx, id, seller_id));
    },

    async list(ctx: Ctx, query: CreditRequestsQuery): Promise<{ items: CreditRequestDto[]; total: number }> {
      const { rows, total } = await repo.listRequests(ctx.db, orgOf(ctx), query);
      return { items: rows.map(requestDto), total };
    },

    async receipt(ctx: Ctx, id: string, seller_id?: string): Promise<{ content_type: string; bytes: Buffer; sha256: string }> {
      await found(ctx, id, seller_id);
      const receipt = await repo.findReceipt(ctx.db, orgOf(ctx), id);
      if (!receipt) throw new AppError('credit_sales.receipt_not_found');
      return receipt;
    },

    /** Approves and credits once. Approving an approved request again returns it unchanged (nothing more is credited). */
    async approve(ctx: Ctx, id: string, note: string | null | undefined): Promise<CreditRequestDto> {
      const org_id = orgOf(ctx);
      const current = await repo.lockPendingRequest(ctx.db, org_id, id);
      if (!current) throw new AppError('credit_sales.request_not_found');
      if (current.status === 'approved') return service.get(ctx, id);
      if (current.status !== 'pending') throw new AppError('credit_sales.request_already_decided', { status: current.status });
      const seller = await sellers.sellerRow(ctx, current.seller_id);
      const transfer = await ledger.transfer(ctx, {
        from_account_id: await sellers.fundingAccount(ctx), to_account_id: seller.credit_account_id, amount_rial: current.amount_rial,
        kind: 'credit_sales.credit_increase', reference_type: 'credit_sales.credit_request', reference_id: id, idempotency_key: `credit_sales.request:${id}`,
      });
      const decided = await repo.decideRequest(ctx.db, org_id, id, { status: 'approved', decided_by: actorLabel(ctx), decision_note: note?.trim() || null, transfer_id: transfer.id });
      if (!decided) throw new Error('a locked pending request could not be decided');
      const dto = await service.get(ctx, id);
      await audit.record(ctx, { action: 'credit_sales.request.approve', entity_type: 'credit_sales.credit_request', entity_id: id, before: { status: 'pending' }, after: dto });
      return dto;
    },

    async reject(ctx: Ctx, id: string, note: string | null | undefined): Promise<CreditRequestDto> {
      const org_id = orgOf(ctx);
      const current = await repo.lockPendingRequest(ctx.db, org_id, id);
      if (!current) throw new AppError('credit_sales.request_not_found');
      if (current.status === 'rejected') return service.get(ctx, id);
      if (current.status !== 'pending') throw new AppError('credit_sales.request_already_decided', { status: current.status });
      await repo.decideRequest(ctx.db, org_id, id, { status: 'rejected', decided_by: actorLabel(ctx), decision_note: note?.trim() || null, transfer_id: null });
      const dto = await service.get(ctx, id);
      await audit.record(ctx, { action: 'credit_sales.request.reject', entity_type: 'credit_sales.credit_request', entity_id: id, before: { status: 'pending' }, after: dto });
      return dto;
    },
  };
  return service;
}
export type RequestsService = ReturnType<typeof createRequestsService>;
