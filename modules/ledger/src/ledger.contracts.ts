/**
 * Request/response schemas of the ledger's HTTP routes (the web client imports them). Amounts are
 * integer Rial; in JSON they travel as numbers (always safe integers for the amounts we accept).
 */
import { z } from 'zod';

export const LEDGER_ACCOUNT_KINDS = [
  'seller_credit', 'topup_sales', 'credit_funding', 'sms_credit', 'cash_at_gateway', 'revenue',
  'partner_commission', 'platform_funding', 'equity', 'receivable', 'payable',
] as const;
export const LedgerAccountKind = z.enum(LEDGER_ACCOUNT_KINDS);
export type LedgerAccountKind = z.infer<typeof LedgerAccountKind>;

export const AccountDto = z.object({
  id: z.uuid(),
  kind: z.string(),
  name: z.string(),
  owner_type: z.string().nullable(),
  owner_id: z.string().nullable(),
  allow_negative: z.boolean(),
  balance_rial: z.number().int(),
  version: z.number().int(),
  created_at: z.string(),
});
export type AccountDto = z.infer<typeof AccountDto>;

export const AccountsQuery = z.object({
  kind: LedgerAccountKind.optional(),
  owner_type: z.string().max(60).optional(),
  owner_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type AccountsQuery = z.infer<typeof AccountsQuery>;
export const AccountPage = z.object({ items: z.array(AccountDto), total: z.number().int() });

export const StatementQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export type StatementQuery = z.infer<typeof StatementQuery>;

export const StatementLine = z.object({
  version: z.number().int(),
  transfer_id: z.uuid(),
  created_at: z.string(),
  /** Signed: positive adds to the account, negative takes from it. */
  amount_rial: z.number().int(),
  /** The running balance: the account's balance right after this line. */
  balance_after_rial: z.number().int(),
  kind: z.string(),
  memo: z.string().nullable(),
  reference_type: z.string().nullable(),
  reference_id: z.string().nullable(),
  counter_account_id: z.uuid(),
});
export type StatementLine = z.infer<typeof StatementLine>;

export const Statement = z.object({
  account: AccountDto,
  /** Balance before the first line of the filtered range, and after its last line. */
  opening_balance_rial: z.number().int(),
  closing_balance_rial: z.number().int(),
  items: z.array(StatementLine),
  total: z.number().int(),
});
export type Statement = z.infer<typeof Statement>;

export const ReconcileProblem = z.object({
  kind: z.enum(['balance_differs_from_entries', 'version_gap', 'broken_chain', 'negative_balance', 'transfer_unbalanced', 'ledger_not_zero_sum', 'orphan_entries']),
  account_id: z.string().nullable(),
  transfer_id: z.string().nullable(),
  detail: z.string(),
});
export const ReconcileReport = z.object({
  ok: z.boolean(),
  checked_at: z.string(),
  accounts_checked: z.number().int(),
  entries_checked: z.number().int(),
  transfers_checked: z.number().int(),
  /** Sum of every account's balance: zero in a double-entry ledger. */
  total_balance_rial: z.number().int(),
  problems: z.array(ReconcileProblem),
});
export type ReconcileReport = z.infer<typeof ReconcileReport>;
