/** Small helpers the services share. */
import { AppError, assert, rialToJson, type RequestContext } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import type { LedgerApi } from '@chaharsu/ledger';
import type { Logger } from 'pino';
import type { Db } from '@chaharsu/db';
import type { SellerDirectory } from './seller-directory.js';
import { MAX_CHARGE_RIAL, MIN_CHARGE_RIAL, type SellerDto } from './credit-sales.contracts.js';
import type { SellerRow } from './credit-sales.repository.js';
import './credit-sales.errors.js';

/** What credit sales needs from the identity module (a subset of IdentityApi, so tests can wire the real one). */
export interface ApiKeyIssuer {
  createApiKey(ctx: Ctx, input: { org_id: string; name: string; scopes: string[]; subject_id?: string | null }): Promise<{ id: string; key: string }>;
  revokeApiKey(ctx: Ctx, api_key_id: string): Promise<void>;
}

export interface CreditSalesDeps {
  db: Db;
  ledger: LedgerApi;
  audit: AuditApi;
  identity: ApiKeyIssuer;
  logger: Logger;
}

export interface Shared extends CreditSalesDeps { sellers: SellerDirectory }

export const CHARGE_SCOPE = 'credit_sales.charge';

export function orgOf(ctx: RequestContext): string {
  assert(ctx.org_id, 'credit sales needs an organisation in the context');
  return ctx.org_id;
}

/** Who acted, for created_by/decided_by columns: a person's id, an API key's id, or the system's reason. */
export function actorLabel(ctx: RequestContext): string {
  const a = ctx.actor;
  return a.kind === 'user' ? a.user_id : a.kind === 'api_key' ? `api_key:${a.api_key_id}` : a.kind === 'agent' ? `agent:${a.agent_id}` : `system:${a.reason}`;
}

export function amountOf(value: number, max: number, min = 1): bigint {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new AppError('credit_sales.invalid_amount', { min, max });
  return BigInt(value);
}

export const chargeAmountOf = (value: number) => amountOf(value, MAX_CHARGE_RIAL, MIN_CHARGE_RIAL);

export function sellerDto(row: SellerRow, balance_rial: number): SellerDto {
  return {
    id: row.id, name: row.name, contact_phone: row.contact_phone, status: row.status, balance_rial,
    credit_account_id: row.credit_account_id, sales_account_id: row.sales_account_id, created_at: row.created_at.toISOString(),
  };
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);
export const money = (v: bigint) => rialToJson(v);
