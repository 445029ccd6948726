/** Sellers: an organisation's business customers, each with a credit account and a sales account in the ledger. */
import { AppError, newId } from '@chaharsu/kit';
import { pgConstraint, pgErrorCode } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import { creditSalesRepository as repo, type SellerRow } from './credit-sales.repository.js';
import { CHARGE_SCOPE, iso, orgOf, sellerDto, type Shared } from './credit-sales.shared.js';
import { normaliseMobile } from './phone.js';
import type { ApiKeyDto, SellerDto, SellerInput, SellersQuery, SellerUpdate } from './credit-sales.contracts.js';

function contactPhone(input: string | null | undefined): string | null {
  if (input === undefined || input === null || input.trim() === '') return null;
  const phone = normaliseMobile(input);
  if (!phone) throw new AppError('credit_sales.invalid_phone');
  return phone;
}

export function createSellersService(shared: Shared) {
  const { ledger, audit } = shared;

  /** The organisation's funding account (the source of every credit increase), opened on first use. */
  async function fundingAccount(ctx: Ctx): Promise<string> {
    const org_id = orgOf(ctx);
    const existing = await repo.findOrgAccount(ctx.db, org_id);
    if (existing) return existing;
    const id = newId();
    if (!(await repo.claimOrgAccount(ctx.db, org_id, id))) {
      const claimed = await repo.findOrgAccount(ctx.db, org_id);
      if (!claimed) throw new Error('funding account claimed but not visible');
      return claimed;
    }
    await ledger.openAccount(ctx, { id, kind: 'credit_funding', name: 'Seller credit funding', owner_type: 'credit_sales.org', allow_negative: true });
    return id;
  }

  async function withBalances(ctx: Ctx, rows: SellerRow[]): Promise<SellerDto[]> {
    const accounts = new Map((await ledger.getAccounts(ctx, rows.map((r) => r.credit_account_id))).map((a) => [a.id, a.balance_rial]));
    return rows.map((r) => sellerDto(r, accounts.get(r.credit_account_id) ?? 0));
  }

  async function sellerRow(ctx: Ctx, seller_id: string): Promise<SellerRow> {
    const row = await repo.findSeller(ctx.db, orgOf(ctx), seller_id);
    if (!row) throw new AppError('credit_sales.seller_not_found');
    return row;
  }

  const service = {
    fundingAccount,
    sellerRow,

    async create(ctx: Ctx, input: SellerInput): Promise<SellerDto> {
      const org_id = orgOf(ctx);
      await fundingAccount(ctx);
      if (await repo.findSellerByName(ctx.db, org_id, input.name)) throw new AppError('credit_sales.seller_name_taken');
      const id = newId();
      const credit = await ledger.openAccount(ctx, { kind: 'seller_credit', name: `${input.name} — credit`, owner_type: 'credit_sales.seller', owner_id: id });
      const sales = await ledger.openAccount(ctx, { kind: 'topup_sales', name: `${input.name} — top-up sales`, owner_type: 'credit_sales.seller', owner_id: id });
      let row: SellerRow;
      try {
        row = await repo.insertSeller(ctx.db, org_id, { id, name: input.name, contact_phone: contactPhone(input.contact_phone), credit_account_id: credit.id, sales_account_id: sales.id });
      } catch (error) {
        if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'seller_name') throw new AppError('credit_sales.seller_name_taken');
        throw error;
      }
      const dto = sellerDto(row, 0);
      await audit.record(ctx, { action: 'credit_sales.seller.create', entity_type: 'credit_sales.seller', entity_id: id, after: dto });
      return dto;
    },

    async update(ctx: Ctx, seller_id: string, input: SellerUpdate): Promise<SellerDto> {
      const org_id = orgOf(ctx);
      const before = await sellerRow(ctx, seller_id);
      const patch: Partial<Pick<SellerRow, 'name' | 'contact_phone' | 'status'>> = {};
      if (input.name !== undefined) patch.name = input.name;
      if (input.contact_phone !== undefined) patch.contact_phone = contactPhone(input.contact_phone);
      if (input.status !== undefined) patch.status = input.status;
      let row: SellerRow | undefined;
      try {
        row = await repo.updateSeller(ctx.db, org_id, seller_id, patch);
      } catch (error) {
        if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'seller_name') throw new AppError('credit_sales.seller_name_taken');
        throw error;
      }
      if (!row) throw new AppError('credit_sales.seller_not_found');
      // Suspending a seller stops its API at once: its keys are revoked (issue new ones after re-activation).
      if (before.status === 'active' && row.status === 'suspended') {
        for (const api_key_id of await repo.activeApiKeyIds(ctx.db, org_id, seller_id)) await service.revokeApiKey(ctx, seller_id, api_key_id);
      }
      shared.sellers.forget(org_id, seller_id);
      const [dto] = await withBalances(ctx, [row]);
      await audit.record(ctx, { action: 'credit_sales.seller.update', entity_type: 'credit_sales.seller', entity_id: seller_id, before: sellerDto(before, dto?.balance_rial ?? 0), after: dto });
      return dto as SellerDto;
    },

    async get(ctx: Ctx, seller_id: string): Promise<SellerDto> {
      const [dto] = await withBalances(ctx, [await sellerRow(ctx, seller_id)]);
      return dto as SellerDto;
    },

    async list(ctx: Ctx, query: SellersQuery): Promise<{ items: SellerDto[]; total: number }> {
      const { rows, total } = await repo.listSellers(ctx.db, orgOf(ctx), query);
      return { items: await withBalances(ctx, rows), total };
    },

    async linkUser(ctx: Ctx, seller_id: string, user_id: string) {
      const org_id = orgOf(ctx);
      await sellerRow(ctx, seller_id);
      const linked = await repo.linkUser(ctx.db, org_id, seller_id, user_id);
      if (!linked) throw new AppError('credit_sales.user_already_linked');
      await audit.record(ctx, { action: 'credit_sales.seller.link_user', entity_type: 'credit_sales.seller', entity_id: seller_id, after: { user_id } });
      return { user_id, seller_id, created_at: linked.created_at.toISOString() };
    },

    async unlinkUser(ctx: Ctx, seller_id: string, user_id: string): Promise<{ ok: true }> {
      if (!(await repo.unlinkUser(ctx.db, orgOf(ctx), seller_id, user_id))) throw new AppError('common.not_found');
      await audit.record(ctx, { action: 'credit_sales.seller.unlink_user', entity_type: 'credit_sales.seller', entity_id: seller_id, before: { user_id } });
      return { ok: true };
    },

    async users(ctx: Ctx, seller_id: string) {
      await sellerRow(ctx, seller_id);
      const rows = await repo.usersOfSeller(ctx.db, orgOf(ctx), seller_id);
      return { items: rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() })) };
    },

    /** The seller a signed-in person acts for in the seller portal. */
    async sellerOfUser(ctx: Ctx): Promise<SellerRow> {
      const org_id = orgOf(ctx);
      const seller_id = ctx.actor.kind === 'user' ? await repo.sellerIdOfUser(ctx.db, org_id, ctx.actor.user_id) : undefined;
      if (!seller_id) throw new AppError('credit_sales.not_a_seller_user');
      return sellerRow(ctx, seller_id);
    },

    /** Issues an API key for the seller through identity (scope credit_sales.charge, subject = the seller); the secret is returned once. */
    async createApiKey(ctx: Ctx, seller_id: string, name: string): Promise<ApiKeyDto & { key: string }> {
      const org_id = orgOf(ctx);
      const seller = await sellerRow(ctx, seller_id);
      if (seller.status !== 'active') throw new AppError('credit_sales.seller_suspended');
      const issued = await shared.identity.createApiKey(ctx, { org_id, name, scopes: [CHARGE_SCOPE], subject_id: seller_id });
      const row = await repo.insertApiKey(ctx.db, org_id, { api_key_id: issued.id, seller_id, name, key_prefix: issued.key.slice(0, 8) });
      await audit.record(ctx, { action: 'credit_sales.api_key.create', entity_type: 'credit_sales.seller', entity_id: seller_id, after: { api_key_id: issued.id, name } });
      return { id: row.api_key_id, name: row.name, key_prefix: row.key_prefix, created_at: row.created_at.toISOString(), revoked_at: null, key: issued.key };
    },

    async listApiKeys(ctx: Ctx, seller_id: string): Promise<{ items: ApiKeyDto[] }> {
      const rows = await repo.listApiKeys(ctx.db, orgOf(ctx), seller_id);
      return { items: rows.map((r) => ({ id: r.api_key_id, name: r.name, key_prefix: r.key_prefix, created_at: r.created_at.toISOString(), revoked_at: iso(r.revoked_at) })) };
    },

    async revokeApiKey(ctx: Ctx, seller_id: string, api_key_id: string): Promise<ApiKeyDto> {
      const row = await repo.revokeApiKey(ctx.db, orgOf(ctx), seller_id, api_key_id);
      if (!row) throw new AppError('credit_sales.api_key_not_found');
      await shared.identity.revokeApiKey(ctx, api_key_id);
      await audit.record(ctx, { action: 'credit_sales.api_key.revoke', entity_type: 'credit_sales.seller', entity_id: seller_id, after: { api_key_id } });
      return { id: row.api_key_id, name: row.name, key_prefix: row.key_prefix, created_at: row.created_at.toISOString(), revoked_at: iso(row.revoked_at) };
    },
  };
  return service;
}
export type SellersService = ReturnType<typeof createSellersService>;
